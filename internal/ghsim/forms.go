package ghsim

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// issueForm is the part of an issue form (.github/ISSUE_TEMPLATE/*.yml)
// that decides what a submitted issue looks like.
type issueForm struct {
	Title  string   `yaml:"title"`
	Labels []string `yaml:"labels"`
	Body   []struct {
		Type       string `yaml:"type"`
		ID         string `yaml:"id"`
		Attributes struct {
			Label string `yaml:"label"`
		} `yaml:"attributes"`
	} `yaml:"body"`
}

// FileForm opens an issue the way GitHub does when someone submits the issue
// form in form (the YAML file's content): the body is every input's label as
// a level-3 heading with the answer below it ("_No response_" when the
// answer is blank; markdown elements add nothing), and the form's labels are
// added. answers are by field id; an id the form lacks is an error.
func (w *World) FileForm(r *Repo, author *User, form []byte, title string, answers map[string]string) (*Issue, error) {
	var f issueForm
	if err := yaml.Unmarshal(form, &f); err != nil {
		return nil, fmt.Errorf("issue form: %w", err)
	}
	used := map[string]bool{}
	var parts []string
	for _, el := range f.Body {
		if el.Type == "markdown" {
			continue
		}
		v := strings.TrimSpace(answers[el.ID])
		used[el.ID] = true
		if v == "" {
			v = "_No response_"
		}
		parts = append(parts, "### "+el.Attributes.Label+"\n\n"+v)
	}
	for id := range answers {
		if !used[id] {
			return nil, fmt.Errorf("issue form has no field %q", id)
		}
	}
	return w.CreateIssue(r, author, f.Title+title, strings.Join(parts, "\n\n"), f.Labels...), nil
}
