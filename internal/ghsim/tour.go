package ghsim

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
)

// Tour shows a new user the simulator answering as GitHub would: it reads
// octo's board with gql.ReadBoard, the request the loop's observe step
// makes, lists the issues waiting in the inbox over REST, then sends a document GitHub refuses and prints GitHub's error.
func Tour(ctx context.Context, out io.Writer, baseURL string) error {
	c, err := ghclient.New(ghclient.Settings{APIURL: baseURL, GraphQLURL: baseURL + "/graphql"}, "tour-token")
	if err != nil {
		return err
	}
	b, err := gql.ReadBoard(ctx, c, gql.OwnerUser, "octo", 1)
	if err != nil {
		return fmt.Errorf("read octo's board: %w", err)
	}
	fmt.Fprintf(out, "GraphQL: octo's board 1 is %q, %d items, read for %d points (%d left this hour)\n",
		b.Title, len(b.Items), b.Points, b.Remaining)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, f := range b.Fields {
		if f.DataType != "SINGLE_SELECT" {
			continue
		}
		var opts []string
		for _, o := range f.Options {
			opts = append(opts, o.Name)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", f.Name, strings.Join(opts, " · "))
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
