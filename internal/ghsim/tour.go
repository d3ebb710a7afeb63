package ghsim

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/shurcooL/githubv4"

	"github.com/nanobots/nanobots/internal/ghclient"
)

// Tour shows a new user the simulator answering as GitHub would: it reads
// octo's board through nanobots' own client layer (githubv4, the request the
// loop's observe step makes), lists the issues waiting in the inbox over
// REST, then sends a document GitHub refuses and prints GitHub's error.
func Tour(ctx context.Context, out io.Writer, baseURL string) error {
	c, err := ghclient.New(ghclient.Settings{APIURL: baseURL, GraphQLURL: baseURL + "/graphql"}, "sim-token")
	if err != nil {
		return err
	}
	var q struct {
		User struct {
			ProjectV2 struct {
				Title  string `graphql:"title"`
				Fields struct {
					Nodes []struct {
						SingleSelect struct {
							Name    string `graphql:"name"`
							Options []struct {
								Name string `graphql:"name"`
							} `graphql:"options"`
						} `graphql:"... on ProjectV2SingleSelectField"`
					} `graphql:"nodes"`
				} `graphql:"fields(first: 50)"`
				Items struct {
					TotalCount int `graphql:"totalCount"`
				} `graphql:"items(first: 100)"`
			} `graphql:"projectV2(number: $number)"`
		} `graphql:"user(login: $login)"`
		RateLimit struct {
			Cost      int `graphql:"cost"`
			Remaining int `graphql:"remaining"`
		} `graphql:"rateLimit"`
	}
	if err := c.Query(ctx, &q, map[string]any{"login": githubv4.String("octo"), "number": githubv4.Int(1)}); err != nil {
		return fmt.Errorf("read octo's board: %w", err)
	}
	p := q.User.ProjectV2
	fmt.Fprintf(out, "GraphQL: octo's board 1 is %q, %d items, read for %d point (%d left this hour)\n",
		p.Title, p.Items.TotalCount, q.RateLimit.Cost, q.RateLimit.Remaining)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, f := range p.Fields.Nodes {
		if f.SingleSelect.Name == "" {
			continue
		}
		var opts []string
		for _, o := range f.SingleSelect.Options {
			opts = append(opts, o.Name)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", f.SingleSelect.Name, strings.Join(opts, " · "))
	}
	tw.Flush()

	issues, resp, err := c.REST.Issues.ListByRepo(ctx, "octo", "demo", nil)
	if err != nil {
		return fmt.Errorf("list octo/demo's issues: %w", err)
	}
	fmt.Fprintf(out, "REST: octo/demo has %d open issues (x-ratelimit-remaining: %d)\n", len(issues), resp.Rate.Remaining)
	for _, is := range issues {
		var labels []string
		for _, l := range is.Labels {
			labels = append(labels, l.GetName())
		}
		fmt.Fprintf(out, "  #%d %s [%s]\n", is.GetNumber(), is.GetTitle(), strings.Join(labels, ", "))
	}

	var bad struct {
		User struct {
			ProjectV2Item struct {
				ID string
			} `graphql:"projectV2item(number: 1)"`
		} `graphql:"user(login: \"octo\")"`
	}
	err = c.Query(ctx, &bad, nil)
	fmt.Fprintf(out, "A document GitHub refuses (githubv4 without explicit tags spells projectV2item):\n  %v\n", err)
	return nil
}
