package policy

import (
	"strings"
	"testing"
)

const promptMarker = `<!-- nanobots:engine-owned version=v0.1.0 sha256=2e9bf976676cf33c1554988d8b23f37fe108ed05aa935aed72b68df7a8112a46; "nanobots update" refreshes this file and merges your edits -->` + "\n"

const promptHeader = "<!-- The test brief.\n     Fields: .Issue.Number .Kind -->\n"

func TestReadPrompt(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		data      any
		want      string
	}{
		{
			name: "marker, header, body",
			src:  promptMarker + promptHeader + "@claude please implement #{{ .Issue.Number }}.\n\n{{ .Kind }} work.\n",
			data: map[string]any{"Issue": map[string]any{"Number": 7}, "Kind": "bug"},
			want: "@claude please implement #7.\n\nbug work.\n",
		},
		{
			name: "no marker: a person removed it",
			src:  promptHeader + "Hello {{ .Kind }}",
			data: map[string]any{"Kind": "chore"},
			want: "Hello chore",
		},
		{
			name: "a license comment above the marker",
			src:  "<!-- SPDX-License-Identifier: MIT -->\n" + promptMarker + promptHeader + "x",
			want: "x",
		},
		{
			name: "blank lines between the comments are dropped, after them kept",
			src:  promptMarker + "\n" + promptHeader + "\nx",
			want: "\nx",
		},
		{
			name: "the body starts on the comment's line",
			src:  "<!-- c -->Hello {{ .Kind }}",
			data: map[string]any{"Kind": "bug"},
			want: "Hello bug",
		},
		{
			name: "a body that opens by trimming",
			src:  promptMarker + promptHeader + "{{- if .Kind }}\nkind {{ .Kind }}{{ end }}",
			data: map[string]any{"Kind": "bug"},
			want: "\nkind bug",
		},
		{
			name: "a body that opens with space, then trims",
			src:  promptMarker + promptHeader + "\n\n{{- .Kind }}",
			data: map[string]any{"Kind": "bug"},
			want: "bug",
		},
		{
			name: "CRLF",
			src:  strings.ReplaceAll(promptMarker+promptHeader+"a {{ .Kind }}\n", "\n", "\r\n"),
			data: map[string]any{"Kind": "bug"},
			want: "a bug\r\n",
		},
		{
			name: "no comments",
			src:  "plain {{ .Kind }}",
			data: map[string]any{"Kind": "bug"},
			want: "plain bug",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ReadPrompt("p.md", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Execute(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Execute = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadPromptErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{
			name: "unknown function, at the file's line",
			src:  promptMarker + promptHeader + "line 4\nline 5 {{ .Kind }} {{ shout .Kind }}\n",
			want: `p.md:5:8: function "shout" not defined: fix the {{ }} action (Go text/template syntax; the comment at the top lists the fields)`,
		},
		{
			name: "unclosed action",
			src:  promptMarker + promptHeader + "a\nb {{ .Kind",
			want: `p.md:5:3: unclosed action: fix the {{ }} action (Go text/template syntax; the comment at the top lists the fields)`,
		},
		{
			name: "missing end",
			src:  promptMarker + "{{ if .Kind }}\nx\n",
			want: `p.md:4:1: unexpected EOF: an {{ if }}, {{ range }} or {{ with }} lacks its {{ end }}: add it`,
		},
		{
			name: "unclosed comment",
			src:  promptMarker + "\n<!-- The brief.\n  Fields: .Kind\nbody\n",
			want: `p.md:3:1: this comment is never closed: end it with "-->" (the brief starts after it)`,
		},
		{
			name: "nothing after the comments",
			src:  promptMarker + promptHeader + "\n  \n",
			want: `p.md:4:1: the prompt has nothing after its comments: restore it with "nanobots update"`,
		},
		{
			name: "empty file",
			src:  "",
			want: `p.md:1:1: the prompt has nothing after its comments: restore it with "nanobots update"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPrompt("p.md", []byte(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestPromptExecuteErrors(t *testing.T) {
	p, err := ReadPrompt("p.md", []byte(promptMarker+promptHeader+"a\n  b {{ .Kind }} {{ .Issue.Nmber }}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data any
		want string
	}{
		{"a map without the key", map[string]any{"Kind": "bug", "Issue": map[string]any{"Number": 1}}, `p.md:5:26: executing "p.md" at <.Issue.Nmber>: map has no entry for key "Nmber": check the field's name against the list in the prompt's first comment`},
		{"a struct without the field", struct{ Kind string }{"bug"}, `p.md:5:26: executing "p.md" at <.Issue.Nmber>: can't evaluate field Issue in type struct { Kind string }: check the field's name against the list in the prompt's first comment`},
	} {
		_, err := p.Execute(tc.data)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error = %v\nwant %s", tc.name, err, tc.want)
		}
	}
}
