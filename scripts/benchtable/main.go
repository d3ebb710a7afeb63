// Command benchtable reads `go test -bench` output on stdin and prints the
// benchmarks as one Markdown table, with the simulator's counts (requests,
// GraphQL points, writes, response bytes) beside time and allocations.
// Lines that are not benchmark results pass through to stderr.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
)

// columns are the units shown, in order; a benchmark without one shows "".
var columns = []string{"ns/op", "requests/op", "points/op", "writes/op", "resp-bytes/op", "B/op", "allocs/op"}

func main() {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintf(tw, "benchmark\t%s\t\n", strings.Join(columns, "\t"))
	rows := 0
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			fmt.Fprintln(os.Stderr, line)
			continue
		}
		vals := map[string]string{}
		for i := 2; i+1 < len(f); i += 2 {
			vals[f[i+1]] = f[i]
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i] // the GOMAXPROCS suffix
		}
		cells := []string{name}
		for _, c := range columns {
			cells = append(cells, vals[c])
		}
		fmt.Fprintf(tw, "%s\t\n", strings.Join(cells, "\t"))
		rows++
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := sc.Err(); err != nil || rows == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark results on stdin", err)
		os.Exit(1)
	}
}
