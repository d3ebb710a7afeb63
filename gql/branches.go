package gql

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/shurcooL/githubv4"
)

// BranchWindow is how many of an issue's newest agent branches
// AgentBranches reads.
const BranchWindow = 10

// AgentBranches reads, in one request, the newest BranchWindow branches
// named prefix+N+"-…" for each issue number N, newest first. GitHub orders
// branches by name only, and the agent's names end in a fixed-width
// timestamp (claude/issue-N-YYYYMMDD-HHMM), so the last names of each
// issue's own query are its newest: one aliased refs(query:) per issue
// keeps an issue's branches from being pushed out by other issues'.
func AgentBranches(ctx context.Context, q Querier, repo, prefix string, numbers []int) (map[int][]Ref, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return nil, fmt.Errorf("repository %q: want owner/name", repo)
	}
	out := map[int][]Ref{}
	if len(numbers) == 0 {
		return out, nil
	}
	type refConn struct {
		Nodes []struct {
			Name   string `graphql:"name"`
			Target struct {
				Commit struct {
					CommittedDate time.Time `graphql:"committedDate"`
				} `graphql:"... on Commit"`
			} `graphql:"target"`
		} `graphql:"nodes"`
	}
	fields := make([]reflect.StructField, len(numbers))
	for i, n := range numbers {
		fields[i] = reflect.StructField{
			Name: fmt.Sprintf("R%d", i),
			Type: reflect.TypeFor[refConn](),
			Tag: reflect.StructTag(fmt.Sprintf(`graphql:"r%d: refs(refPrefix: \"refs/heads/\", query: \"%s%d-\", last: %d)"`,
				i, prefix, n, BranchWindow)),
		}
	}
	v := reflect.New(reflect.StructOf([]reflect.StructField{{
		Name: "Repository", Type: reflect.StructOf(fields),
		Tag: `graphql:"repository(owner: $owner, name: $name)"`,
	}}))
	if err := q.Query(ctx, v.Interface(), map[string]any{"owner": githubv4.String(owner), "name": githubv4.String(name)}); err != nil {
		return nil, fmt.Errorf("read the agent's branches of %d issues: %w", len(numbers), err)
	}
	r := v.Elem().Field(0)
	for i, n := range numbers {
		conn := r.Field(i).Interface().(refConn)
		want := fmt.Sprintf("%s%d-", prefix, n)
		for j := len(conn.Nodes) - 1; j >= 0; j-- {
			node := conn.Nodes[j]
			// The query matches anywhere in a name: keep only this issue's.
			if strings.HasPrefix(node.Name, want) {
				out[n] = append(out[n], Ref{Name: node.Name, CommittedAt: node.Target.Commit.CommittedDate})
			}
		}
	}
	return out, nil
}
