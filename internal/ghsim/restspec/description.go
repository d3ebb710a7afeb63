package restspec

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// description is api.github.com.json read shallowly: operations and
// components stay raw JSON until the trimmed document needs them, so reading
// the 12 MB file costs one JSON scan rather than kin-openapi's two seconds.
type description struct {
	OpenAPI    string                                `json:"openapi"`
	Info       json.RawMessage                       `json:"info"`
	Servers    json.RawMessage                       `json:"servers"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

// opHead is the part of an operation the index needs.
type opHead struct {
	OperationID  string `json:"operationId"`
	ExternalDocs struct {
		URL string `json:"url"`
	} `json:"externalDocs"`
	Parameters []paramHead `json:"parameters"`
}

// paramHead is the part of a parameter the index needs.
type paramHead struct {
	Ref          string `json:"$ref"`
	Name         string `json:"name"`
	In           string `json:"in"`
	MultiSegment bool   `json:"x-multi-segment"`
}

// httpMethods are the path-item keys that name operations (OpenAPI 3.0).
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// buildIndex reads every operation's head and indexes it.
func (d *description) buildIndex() (*index, map[string]*operation, error) {
	ix := newIndex()
	byID := map[string]*operation{}
	params := map[string]paramHead{} // components/parameters, parsed on demand
	templates := make([]string, 0, len(d.Paths))
	for t := range d.Paths {
		templates = append(templates, t)
	}
	slices.Sort(templates) // a deterministic order makes any error reproducible
	for _, tmpl := range templates {
		for _, m := range httpMethods {
			raw, ok := d.Paths[tmpl][m]
			if !ok {
				continue
			}
			var head opHead
			if err := json.Unmarshal(raw, &head); err != nil {
				return nil, nil, fmt.Errorf("operation %s %q: %w", strings.ToUpper(m), tmpl, err)
			}
			inPath := map[string]paramHead{}
			for _, p := range head.Parameters {
				if p.Ref != "" {
					resolved, err := d.parameter(p.Ref, params)
					if err != nil {
						return nil, nil, fmt.Errorf("operation %q: %w", head.OperationID, err)
					}
					p = resolved
				}
				if p.In == "path" {
					inPath[p.Name] = p
				}
			}
			op := &operation{
				id:       head.OperationID,
				method:   strings.ToUpper(m),
				template: tmpl,
				docsURL:  head.ExternalDocs.URL,
			}
			if err := ix.add(op, func(name string) bool { return multiSegment(inPath[name]) }); err != nil {
				return nil, nil, err
			}
			if op.id == "" {
				continue
			}
			if prev := byID[op.id]; prev != nil {
				return nil, nil, fmt.Errorf("operationId %q names both %s %q and %s %q", op.id, prev.method, prev.template, op.method, op.template)
			}
			byID[op.id] = op
		}
	}
	return ix, byID, nil
}

// parameter resolves a "#/components/parameters/x" reference.
func (d *description) parameter(ref string, cache map[string]paramHead) (paramHead, error) {
	if p, ok := cache[ref]; ok {
		return p, nil
	}
	kind, name, ok := componentRef(ref)
	if !ok || kind != "parameters" {
		return paramHead{}, fmt.Errorf("parameter reference %q is not under #/components/parameters", ref)
	}
	raw, ok := d.Components[kind][name]
	if !ok {
		return paramHead{}, fmt.Errorf("parameter reference %q: no such component", ref)
	}
	var p paramHead
	if err := json.Unmarshal(raw, &p); err != nil {
		return paramHead{}, fmt.Errorf("parameter %q: %w", ref, err)
	}
	cache[ref] = p
	return p, nil
}

// refRE finds local references; GitHub's description has no other kind.
var refRE = regexp.MustCompile(`"\$ref"\s*:\s*"(#/components/[^"]+)"`)

// componentRef splits "#/components/schemas/issue" into its kind and name,
// undoing JSON Pointer escapes.
func componentRef(ref string) (kind, name string, ok bool) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return "", "", false
	}
	kind, name, ok = strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", false
	}
	name = strings.NewReplacer("~1", "/", "~0", "~").Replace(name)
	return kind, name, true
}

// trim returns a document holding only ops and the components they reach.
// Only the served methods of a path are kept: other methods would drag in
// their own schemas and nothing validates them.
func (d *description) trim(ops []*operation) ([]byte, error) {
	paths := map[string]map[string]json.RawMessage{}
	var queue []json.RawMessage
	for _, op := range ops {
		m := strings.ToLower(op.method)
		raw := d.Paths[op.template][m]
		if paths[op.template] == nil {
			paths[op.template] = map[string]json.RawMessage{}
			// Keep path-level keys (parameters, summary) with the path.
			for k, v := range d.Paths[op.template] {
				if !slices.Contains(httpMethods, k) {
					paths[op.template][k] = v
					queue = append(queue, v)
				}
			}
		}
		paths[op.template][m] = raw
		queue = append(queue, raw)
	}
	components := map[string]map[string]json.RawMessage{}
	for len(queue) > 0 {
		raw := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, m := range refRE.FindAllSubmatch(raw, -1) {
			ref := string(m[1])
			kind, name, ok := componentRef(ref)
			if !ok {
				return nil, fmt.Errorf("reference %q: not a component this package can follow", ref)
			}
			if _, seen := components[kind][name]; seen {
				continue
			}
			c, ok := d.Components[kind][name]
			if !ok {
				return nil, fmt.Errorf("reference %q: no such component", ref)
			}
			if components[kind] == nil {
				components[kind] = map[string]json.RawMessage{}
			}
			components[kind][name] = c
			queue = append(queue, c)
		}
	}
	return json.Marshal(struct {
		OpenAPI    string                                `json:"openapi"`
		Info       json.RawMessage                       `json:"info"`
		Servers    json.RawMessage                       `json:"servers,omitempty"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}{d.OpenAPI, d.Info, d.Servers, paths, components})
}
