package policy

import (
	"strings"
	"testing"
)

func TestReadRubricErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no tables", "# Rubric\n\nProse only.\n", `TRIAGE.md:1:1: no table whose first column is "area"`},
		{"bad gate", "| area | priority | size | hard gate |\n|---|---|---|---|\n| core | P1 | M | maybe |\n", `TRIAGE.md:3:19: hard gate is "maybe", write yes or no`},
		{"columns", "intro\n\n| area | size | priority | hard gate |\n|---|---|---|---|\n| core | M | P1 | no |\n", `TRIAGE.md:3:3: the area table's columns are`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRubric("TRIAGE.md", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
