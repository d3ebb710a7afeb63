// Command nanobots runs a GitHub repository as two nested loops. See README.md.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], defaultStreams()))
}
