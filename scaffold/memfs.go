package scaffold

import (
	"io/fs"
	"testing/fstest"
)

// Render is every file `nanobots init` would write into an empty
// repository for v, in memory: the policy files, prompts, workflows and
// forms as the loop and policy.Read see them. It touches no disk and no git,
// so the planner's tests can read the default policy from it.
func Render(v Values) (fs.FS, error) {
	files, err := render(v)
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, f := range files {
		out[f.path] = &fstest.MapFile{Data: f.content(v.Version), Mode: 0o644}
	}
	return out, nil
}
