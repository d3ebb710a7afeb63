package ghclient

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httputil"
	"sync"
)

// conditional makes repeated REST reads conditional requests: it remembers
// the ETag and body of each GET answer and asks again with If-None-Match. A
// 304 costs no rate limit; it is answered from memory as the 200 it stands
// for, with the fresh response's headers (rate limit included). Entries are
// kept per URL and per credential, so one token never sees what another
// read, and only in memory, for the life of the client.
type conditional struct {
	base    http.RoundTripper
	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	etag string
	resp []byte // the whole 200 response, as httputil.DumpResponse wrote it
}

// Bounds: answers larger than maxCachedBody are not kept, nor more than
// maxCachedEntries of them (the oldest is not tracked; the cache is simply
// cleared when full, which only costs a full read).
const (
	maxCachedBody    = 1 << 20
	maxCachedEntries = 512
)

func newConditional(base http.RoundTripper) *conditional {
	return &conditional{base: base, entries: map[string]cached{}}
}

func (c *conditional) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("Range") != "" || req.Header.Get("If-None-Match") != "" {
		return c.base.RoundTrip(req)
	}
	sum := sha256.Sum256([]byte(req.Header.Get("Authorization")))
	key := hex.EncodeToString(sum[:8]) + " " + req.URL.String()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		req = req.Clone(req.Context())
		req.Header.Set("If-None-Match", e.etag)
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	switch {
	case ok && resp.StatusCode == http.StatusNotModified:
		old, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(e.resp)), req)
		if err != nil {
			return resp, nil // cannot replay: let the caller see the 304
		}
		drain(resp)
		for k, v := range resp.Header {
			old.Header[k] = v // the fresh rate-limit state
		}
		return old, nil
	case resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "" && resp.ContentLength <= maxCachedBody:
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxCachedBody+1))
		if err != nil {
			resp.Body.Close()
			return nil, err
		}
		if len(body) > maxCachedBody {
			// Longer than the cache keeps (its length was not announced):
			// hand the caller the whole answer, what was read and the rest,
			// and keep none of it.
			resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
			return resp, nil
		}
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		{
			if dump, err := httputil.DumpResponse(resp, true); err == nil {
				c.mu.Lock()
				if len(c.entries) >= maxCachedEntries {
					clear(c.entries)
				}
				c.entries[key] = cached{etag: resp.Header.Get("ETag"), resp: dump}
				c.mu.Unlock()
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
		}
	}
	return resp, nil
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}
