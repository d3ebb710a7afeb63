package ghsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/nanobots-dev/nanobots/internal/ghsim/restspec"
)

// maxInlineContent is the largest file the contents API sends inline: over
// 1 MB GitHub answers with "encoding": "none" and an empty "content", and
// only the raw media type returns the bytes.
const maxInlineContent = 1 << 20

// rawBody is an answer sent as bytes, not JSON: a file asked for with the
// raw media type.
type rawBody []byte

// wantsRaw reports whether the request asks for the raw media type
// (application/vnd.github.raw, .raw+json, or the older .v3.raw).
func (c *call) wantsRaw() bool {
	for _, a := range strings.Split(c.r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(a), ";")
		switch strings.ToLower(mt) {
		case "application/vnd.github.raw", "application/vnd.github.raw+json", "application/vnd.github.v3.raw":
			return true
		}
	}
	return false
}

// writeRaw sends a raw answer as GitHub does, with an ETag that a
// conditional request may match.
func (c *call) writeRaw(b rawBody) (notModified bool) {
	h := c.w.Header()
	tag := etag(b)
	h.Set("ETag", tag)
	if inm := c.r.Header.Get("If-None-Match"); inm != "" && inm == tag {
		return true
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; param=raw")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(b)
	return false
}

// noteBranchHead remembers, for a write through the contents API, the head
// of the branch it writes to as the request arrives. GitHub fails a
// contents write whose branch moved while it was on its way (two writes in
// parallel, even to different files) with 409; putContent checks it.
func (c *call) noteBranchHead(route *restspec.Route) {
	if route.OperationID != "repos/create-or-update-file-contents" && route.OperationID != "repos/delete-file" {
		return
	}
	var in struct{ Branch string }
	json.Unmarshal(c.body, &in)
	w := c.s.World
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.Repo(route.PathParams["owner"] + "/" + route.PathParams["repo"])
	if r == nil {
		return
	}
	if in.Branch == "" {
		in.Branch = r.DefaultBranch
	}
	c.arrivalHead = r.Branches[in.Branch]
}

// branchMoved is GitHub's 409 for a contents write that raced another.
func (c *call) branchMoved(head string) *apiError {
	if c.arrivalHead == "" || c.arrivalHead == head {
		return nil
	}
	return &apiError{status: http.StatusConflict, message: fmt.Sprintf("is at %s but expected %s", head, c.arrivalHead)}
}
