package policy

import (
	"bytes"
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// lineIndex turns byte offsets into line and column in O(log n), so that
// reporting on many cells of a large file stays linear in its size.
type lineIndex []int // the offset at which each line starts

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range src {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// pos returns the 1-based line and byte column of off. Callers pass offsets
// within the source (or its end).
func (idx lineIndex) pos(off int) Pos {
	off = max(off, 0)
	line := sort.Search(len(idx), func(i int) bool { return idx[i] > off }) // first line starting after off
	return Pos{Line: line, Col: off - idx[line-1] + 1}
}

// lineStart returns the offset at which the line holding off starts.
func lineStart(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineEnd returns the offset just past the line holding off: past its '\n',
// or the end of the source.
func lineEnd(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// blockParser finds the block structure of markdown (headings, code blocks,
// lists, quotes) and nothing inline. Inline parsing is where markdown
// parsers spend their time on hostile input; issue bodies need none of it.
var blockParser = parser.NewParser(parser.WithBlockParsers(parser.DefaultBlockParsers()...))

// ParseBlocks parses the block structure of markdown (headings, code
// blocks, lists, quotes; nothing inline) in time linear in its length, even
// for hostile text such as an issue or pull request body: see
// flattenNesting. Node offsets are offsets into src.
func ParseBlocks(src []byte) ast.Node {
	return parseBlocks(src)
}

// parseBlocks parses src with blockParser, after flattenNesting.
func parseBlocks(src []byte) ast.Node {
	return blockParser.Parse(text.NewReader(flattenNesting(src)))
}

// maxNesting is how many quotes and list items one line may open before
// flattenNesting stops reading the rest as more of them. People nest a few.
const maxNesting = 32

// flattenNesting returns src, or a copy of the same length when a line
// opens more than maxNesting quotes and list items: the marker that would
// open one more is replaced with 'x', which makes the rest of the line
// text. goldmark spends time proportional to a line's length for each
// container open on it, so a body of 65,536 '>' (which anyone may submit)
// would take seconds; flattened, it takes a millisecond. Offsets, lines
// and every heading outside the deep nesting are unchanged, and callers
// slice the original source.
func flattenNesting(src []byte) []byte {
	out := src
	for start := 0; start < len(src); {
		end := lineEnd(src, start)
		depth := 0
		for i := start; i < end; {
			if src[i] == ' ' || src[i] == '\t' {
				i++
				continue
			}
			n := containerMarker(src[i:end])
			if n == 0 {
				break
			}
			if depth++; depth > maxNesting {
				if len(out) > 0 && &out[0] == &src[0] {
					out = bytes.Clone(src)
				}
				out[i] = 'x'
				break
			}
			i += n
		}
		start = end
	}
	return out
}

// containerMarker returns the length of the quote or list item marker that
// line starts with ("> ", "- ", "12. " and so on, without the space after
// it), or 0.
func containerMarker(line []byte) int {
	spaceAt := func(i int) bool { return i < len(line) && (line[i] == ' ' || line[i] == '\t') }
	switch c := line[0]; {
	case c == '>':
		return 1
	case c == '-' || c == '*' || c == '+':
		if spaceAt(1) {
			return 1
		}
	case c >= '0' && c <= '9':
		i := 0
		for i < len(line) && i < 10 && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		if i < len(line) && (line[i] == '.' || line[i] == ')') && spaceAt(i+1) {
			return i + 1
		}
	}
	return 0
}

// heading is a top-level heading with the source around it.
type heading struct {
	level int
	start int // where its line starts
	end   int // just past its last line (the underline, for a setext heading)
	text  int // where its text starts (its start, for an empty heading)
	title []byte
}

// headings returns the top-level headings of doc, in order. Headings inside
// code blocks, quotes and lists are not top-level, and are not returned.
func headings(doc ast.Node, src []byte) []heading {
	var hs []heading
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok {
			continue
		}
		lines := h.Lines()
		first := h.Pos()
		if first < 0 && lines.Len() > 0 {
			first = lines.At(0).Start
		}
		if first < 0 {
			continue // no position to slice at: goldmark always sets one
		}
		hd := heading{level: h.Level, start: lineStart(src, first), text: first}
		if isATX(src, first) {
			hd.end = lineEnd(src, first)
		} else {
			// A setext heading: its text lines, then the underline.
			last := first
			if lines.Len() > 0 {
				last = lines.At(lines.Len() - 1).Start
			}
			hd.end = lineEnd(src, lineEnd(src, last))
		}
		if lines.Len() > 0 {
			hd.text = lines.At(0).Start
			var title []byte
			for i := 0; i < lines.Len(); i++ {
				if i > 0 {
					title = append(title, ' ')
				}
				seg := lines.At(i)
				title = append(title, bytes.TrimSpace(seg.Value(src))...)
			}
			hd.title = title
		}
		hs = append(hs, hd)
	}
	return hs
}

// isATX reports whether the line at off opens with an ATX heading's
// hashes: one to six '#' followed by a space, a tab or the end of the line.
func isATX(src []byte, off int) bool {
	i := off
	for i < len(src) && i-off < 7 && src[i] == '#' {
		i++
	}
	n := i - off
	return n >= 1 && n <= 6 && (i == len(src) || src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r')
}
