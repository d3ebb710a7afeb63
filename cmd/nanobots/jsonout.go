package main

import (
	"encoding/json"
	"io"
)

// writeJSON is how every command's --json prints: one indented document,
// HTML characters left as they are (a detail may hold "<!-- … -->").
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
