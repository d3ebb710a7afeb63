package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Parse parses config.json. Keys that are absent take their Default value;
// unknown keys, values of the wrong type and invalid values are errors, each
// reported as "path:line:col: what is wrong, and how to fix it" (joined with
// errors.Join when there are several).
func Parse(path string, data []byte) (Config, error) {
	pos, err := keyOffsets(data)
	if err != nil {
		return Config{}, positioned(path, data, err)
	}
	var errs []error
	at := func(key string) string {
		line, col := lineCol(data, pos.lookup(key))
		return fmt.Sprintf("%s:%d:%d", path, line, col)
	}
	known := knownKeys(reflect.TypeOf(Config{}), "")
	for _, key := range pos.order {
		if _, ok := known[key]; ok {
			continue
		}
		parent, leaf := splitKey(key)
		if _, isList := known[parent+".[]"]; isList {
			continue // an element of a list, such as maintainers.0
		}
		msg := fmt.Sprintf("unknown key %q", leaf)
		if parent != "" {
			msg += fmt.Sprintf(" in %q", parent)
		}
		if near := nearest(leaf, siblings(known, parent)); near != "" {
			msg += fmt.Sprintf(", did you mean %q?", near)
		} else {
			msg += ", remove it"
		}
		errs = append(errs, fmt.Errorf("%s: %s", at(key), msg))
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}

	c := Default()
	// Lists replace the default rather than merge with it.
	c.Inner.AllowedTools = nil
	if _, ok := pos.offset["inner.allowed_tools"]; !ok {
		c.Inner.AllowedTools = Default().Inner.AllowedTools
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			what := te.Field
			if what == "" {
				what = "the file"
			}
			return Config{}, fmt.Errorf("%s: %s is %s %s, want %s", at(te.Field), what, article(te.Value), te.Value, describe(te.Type))
		}
		if msg, ok := strings.CutPrefix(err.Error(), "json: cannot unmarshal "); ok {
			return Config{}, fmt.Errorf("%s:1:1: cannot read %s", path, msg)
		}
		// Duration and other custom decoders report the field through
		// their own message; find the key by trying each duration key.
		for _, key := range []string{"stale_timeout", "heartbeat_interval"} {
			if off, ok := pos.offset[key]; ok {
				var d Duration
				if json.Unmarshal(pos.raw[key], &d) != nil {
					line, col := lineCol(data, off)
					return Config{}, fmt.Errorf("%s:%d:%d: %s: %w", path, line, col, key, err)
				}
			}
		}
		return Config{}, positioned(path, data, err)
	}
	for _, p := range c.validate() {
		errs = append(errs, fmt.Errorf("%s: %s", at(p.key), p.msg))
	}
	return c, errors.Join(errs...)
}

// describe names a Go type the way a config author thinks of it.
func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		if t == reflect.TypeOf(Duration(0)) {
			return "a duration string such as \"3h\""
		}
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Struct:
		return "an object"
	}
	return t.String()
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// positions maps each dotted key path in a JSON document to the byte offset
// of the key (of the element, for list items), and to its raw value.
type positions struct {
	offset map[string]int64
	raw    map[string]json.RawMessage
	order  []string
}

// lookup returns the offset of key or of its closest ancestor that exists,
// so a problem with a missing key points at the object that lacks it.
func (p positions) lookup(key string) int64 {
	for key != "" {
		if off, ok := p.offset[key]; ok {
			return off
		}
		key, _ = splitKey(key)
	}
	return p.offset[""]
}

// keyOffsets walks data once and records where every key starts. Go's JSON
// decoder reports unknown fields without a position, and a maintainer needs
// line and column to find a typo.
func keyOffsets(data []byte) (positions, error) {
	p := positions{offset: map[string]int64{}, raw: map[string]json.RawMessage{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	start := func(after int64) int64 {
		i := after
		for i < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[i]) >= 0 {
			i++
		}
		return i
	}
	var walk func(key string) error
	walk = func(key string) error {
		valueStart := start(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				off := start(dec.InputOffset())
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				name, _ := kt.(string)
				child := name
				if key != "" {
					child = key + "." + name
				}
				p.offset[child] = off
				p.order = append(p.order, child)
				if err := walk(child); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				child := key + "." + strconv.Itoa(i)
				p.offset[child] = start(dec.InputOffset())
				p.order = append(p.order, child)
				if err := walk(child); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		if key != "" {
			p.raw[key] = json.RawMessage(bytes.TrimSpace(data[valueStart:dec.InputOffset()]))
		}
		return err
	}
	p.offset[""] = start(0)
	if err := walk(""); err != nil {
		if errors.Is(err, io.EOF) {
			return p, &json.SyntaxError{Offset: int64(len(data))}
		}
		return p, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return p, &extraValueError{offset: start(dec.InputOffset() - 1)}
	}
	return p, nil
}

// extraValueError is a second JSON value after the object.
type extraValueError struct{ offset int64 }

func (e *extraValueError) Error() string { return "more than one JSON value" }

// positioned turns a JSON syntax error into a path:line:col message.
func positioned(path string, data []byte, err error) error {
	var ev *extraValueError
	if errors.As(err, &ev) {
		line, col := lineCol(data, ev.offset)
		return fmt.Errorf("%s:%d:%d: a second JSON value after the object, keep one object", path, line, col)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// A Decoder's offsets count from its buffer, not the file; a whole
		// Unmarshal reports the offset in the file, just past the byte
		// that broke it.
		off := se.Offset
		var v any
		var whole *json.SyntaxError
		if errors.As(json.Unmarshal(data, &v), &whole) {
			se, off = whole, max(whole.Offset-1, 0)
			if whole.Offset >= int64(len(data)) {
				off = whole.Offset // the end of the file
			}
		}
		line, col := lineCol(data, off)
		msg := strings.TrimPrefix(se.Error(), "json: ")
		if off >= int64(len(data)) {
			msg = "unexpected end of file"
		}
		return fmt.Errorf("%s:%d:%d: %s, fix the JSON syntax (a missing comma, quote or brace?)", path, line, col, msg)
	}
	return fmt.Errorf("%s:1:1: %s, fix the JSON syntax", path, strings.TrimPrefix(err.Error(), "json: "))
}

// lineCol converts a byte offset to a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// knownKeys lists every dotted key path Config reads, from its json tags.
// Lists are recorded as "key.[]" so their elements are known too.
func knownKeys(t reflect.Type, prefix string) map[string]struct{} {
	keys := map[string]struct{}{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		keys[key] = struct{}{}
		switch f.Type.Kind() {
		case reflect.Struct:
			for k := range knownKeys(f.Type, key) {
				keys[k] = struct{}{}
			}
		case reflect.Slice:
			keys[key+".[]"] = struct{}{}
		}
	}
	return keys
}

func splitKey(key string) (parent, leaf string) {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

func siblings(known map[string]struct{}, parent string) []string {
	var out []string
	for k := range known {
		p, leaf := splitKey(k)
		if p == parent && leaf != "[]" {
			out = append(out, leaf)
		}
	}
	sort.Strings(out)
	return out
}

// nearest returns the candidate closest to s by edit distance, if it is close
// enough to be a likely typo.
func nearest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
