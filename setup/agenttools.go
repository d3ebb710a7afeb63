package setup

import (
	"fmt"
	"strings"

	"github.com/nanobots-dev/nanobots/policy"
)

// fetchTool is what a retry needs to read the earlier attempt's branch.
const fetchTool = "Bash(git fetch:*)"

// agentToolsCheck warns when the agent could not do what the brief asks:
// claude-code-action denies every command that inner.allowed_tools does not
// allow, so without a test or lint command the agent cannot run the checks
// the brief asks it to report, and without git fetch a retry cannot read
// the branch the earlier attempt left.
func (d *doctor) agentToolsCheck() {
	const id = "agent-tools"
	if !d.cfgOK {
		d.skip(id, "needs a valid "+policy.ConfigFile)
		return
	}
	var commands, problems, fixes []string
	hasFetch := false
	for _, tool := range d.cfg.Inner.AllowedTools {
		cmd, ok := strings.CutPrefix(tool, "Bash(")
		if !ok {
			continue
		}
		cmd = strings.TrimSuffix(strings.TrimSuffix(cmd, ")"), ":*")
		switch {
		case tool == fetchTool:
			hasFetch = true
		case strings.HasPrefix(cmd, "git ") || strings.HasPrefix(cmd, "gh "):
		default:
			commands = append(commands, cmd)
		}
	}
	if len(commands) == 0 {
		problems = append(problems, "inner.allowed_tools allows no command but git and gh: the agent cannot run the repository's tests or linters, which the brief asks it to run and report")
		fixes = append(fixes, `add the commands to inner.allowed_tools, such as "Bash(go test:*)"`)
	}
	if !hasFetch {
		problems = append(problems, "inner.allowed_tools lacks "+fetchTool+": a retry cannot fetch the branch the earlier attempt left")
		fixes = append(fixes, fmt.Sprintf("add %q", fetchTool))
	}
	if len(problems) > 0 {
		d.add(id, Warn, strings.Join(problems, "; "), strings.Join(fixes, " and ")+" in "+policy.ConfigFile+", then run \"nanobots update\"")
		return
	}
	d.pass(id, "the agent may run %s, and fetch an earlier attempt's branch", strings.Join(commands, ", "))
}
