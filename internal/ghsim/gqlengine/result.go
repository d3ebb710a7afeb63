package gqlengine

import (
	"bytes"
	"encoding/json"
)

// Map is one JSON object of a response's data. It keeps its keys in the
// order the query asked for them, as GitHub's responses do, which a Go map
// would not.
type Map struct {
	keys []string
	vals []any
}

func newMap(n int) *Map {
	return &Map{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

// set adds a key; the executor sets each response key once.
func (m *Map) set(key string, v any) {
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// Get returns the value under key: nil, string, bool, int, float64, *Map or
// []any. Objects in a response are small, so a scan beats a hash.
func (m *Map) Get(key string) (any, bool) {
	for i, k := range m.keys {
		if k == key {
			return m.vals[i], true
		}
	}
	return nil, false
}

// Keys returns the keys in response order.
func (m *Map) Keys() []string { return append([]string(nil), m.keys...) }

// MarshalJSON writes the object with its keys in response order.
func (m *Map) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSON(buf *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case *Map:
		if v == nil {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeLeaf(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := writeJSON(buf, v.vals[i]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case []any:
		if v == nil {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return writeLeaf(buf, v)
}

// writeLeaf writes v with encoding/json, but leaves <, > and & as they are,
// as GitHub does in bodyHTML and the like.
func writeLeaf(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode ends with a newline
	return nil
}
