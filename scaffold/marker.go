package scaffold

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
)

// MarkerTag is the word every engine-owned file and block carries.
const MarkerTag = "nanobots:engine-owned"

// commentStyle is how a marker is written in a file of some type: it must be
// a comment there, so the marker changes nothing the file means.
type commentStyle struct{ open, close string }

var (
	hashComment = commentStyle{"# ", ""}
	htmlComment = commentStyle{"<!-- ", " -->"}
)

// styleFor returns the comment style for a file path; ok is false for file
// types with no comments (JSON), which therefore cannot be engine-owned.
func styleFor(p string) (commentStyle, bool) {
	switch path.Ext(p) {
	case ".yml", ".yaml", ".gitattributes":
		return hashComment, true
	case ".md":
		return htmlComment, true
	}
	if path.Base(p) == ".gitattributes" {
		return hashComment, true
	}
	return commentStyle{}, false
}

// marker is what an ownership marker records: which nanobots rendered the
// content, and the hash of that rendering, so update can tell an untouched
// file from an edited one and find the rendering in git history.
type marker struct {
	version string
	hash    string
}

var (
	fileMarkerRE  = regexp.MustCompile(`nanobots:engine-owned version=(\S+) sha256=([0-9a-f]{64})`)
	beginMarkerRE = regexp.MustCompile(`nanobots:engine-owned begin version=(\S+) sha256=([0-9a-f]{64})`)
	endMarkerRE   = regexp.MustCompile(`nanobots:engine-owned end\b`)
)

// hashBody is the hash a marker records: SHA-256 of the content without its
// marker, with CRLF read as LF so a Windows checkout does not look edited.
func hashBody(body []byte) string {
	sum := sha256.Sum256(normalize(body))
	return hex.EncodeToString(sum[:])
}

func normalize(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

// stampFile returns body with an ownership marker as its first line. hash is
// the hash of the rendering (which, after a merge, body is not).
func stampFile(s commentStyle, version, hash string, body []byte) []byte {
	line := fmt.Sprintf("%s%s version=%s sha256=%s; \"nanobots update\" refreshes this file and merges your edits%s\n",
		s.open, MarkerTag, version, hash, s.close)
	return append([]byte(line), body...)
}

// markerSearchLines is how far into a file the marker is looked for: a person
// may add a line above it (a license header), and it must still be found.
const markerSearchLines = 5

// splitFile finds the file marker and returns it with the content without the
// marker line. ok is false when the file has no marker.
func splitFile(content []byte) (m marker, body []byte, ok bool) {
	content = normalize(content)
	start := 0
	for i := 0; i < markerSearchLines && start < len(content); i++ {
		end := bytes.IndexByte(content[start:], '\n')
		if end < 0 {
			end = len(content) - start
		} else {
			end++
		}
		line := content[start : start+end]
		if sub := fileMarkerRE.FindSubmatch(line); sub != nil {
			body = append(append([]byte{}, content[:start]...), content[start+end:]...)
			return marker{string(sub[1]), string(sub[2])}, body, true
		}
		start += end
	}
	return marker{}, content, false
}

// untouched reports whether a file's body is exactly the rendering its marker
// records.
func (m marker) untouched(body []byte) bool { return hashBody(body) == m.hash }

// block is an engine-owned block found inside a file.
type block struct {
	marker
	start, end int    // byte range of the whole block, marker lines included
	body       []byte // the lines between the markers
}

// blockLines renders a block, marker lines included; hash is the hash of the
// rendering, as for stampFile.
func blockLines(s commentStyle, version, hash string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%s begin version=%s sha256=%s; \"nanobots update\" manages this block, the rest of the file is yours%s\n",
		s.open, MarkerTag, version, hash, s.close)
	b.Write(body)
	fmt.Fprintf(&b, "%s%s end%s\n", s.open, MarkerTag, s.close)
	return b.Bytes()
}

// findBlock locates the engine-owned block in content. Offsets are into
// content as it is (CRLF kept), so the rest of the file can be kept byte for
// byte. ok is false when there is none; err reports a begin marker without an
// end.
func findBlock(content []byte) (b block, ok bool, err error) {
	loc := beginMarkerRE.FindSubmatchIndex(content)
	if loc == nil {
		return block{}, false, nil
	}
	lineStart := bytes.LastIndexByte(content[:loc[0]], '\n') + 1
	bodyStart := len(content)
	if nl := bytes.IndexByte(content[loc[1]:], '\n'); nl >= 0 {
		bodyStart = loc[1] + nl + 1
	}
	endLoc := endMarkerRE.FindIndex(content[bodyStart:])
	if endLoc == nil {
		return block{}, false, fmt.Errorf("a %q begin marker has no end marker", MarkerTag)
	}
	endLineStart := bodyStart + bytes.LastIndexByte(content[bodyStart:bodyStart+endLoc[0]], '\n') + 1
	end := len(content)
	if nl := bytes.IndexByte(content[bodyStart+endLoc[1]:], '\n'); nl >= 0 {
		end = bodyStart + endLoc[1] + nl + 1
	}
	return block{
		marker: marker{string(content[loc[2]:loc[3]]), string(content[loc[4]:loc[5]])},
		start:  lineStart,
		end:    end,
		body:   append([]byte{}, content[bodyStart:endLineStart]...),
	}, true, nil
}

// withBlock returns content with its block replaced by (or, when it has none,
// followed by) the rendered block.
func withBlock(content []byte, rendered []byte) ([]byte, error) {
	b, ok, err := findBlock(content)
	if err != nil {
		return nil, err
	}
	if ok {
		out := append([]byte{}, content[:b.start]...)
		out = append(out, rendered...)
		return append(out, content[b.end:]...), nil
	}
	out := append([]byte{}, content...)
	if len(out) > 0 {
		if out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		if !bytes.HasSuffix(out, []byte("\n\n")) {
			out = append(out, '\n')
		}
	}
	return append(out, rendered...), nil
}
