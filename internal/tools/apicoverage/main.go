// Command apicoverage writes the API coverage guide from the client's table of actions.
package main

import (
	"fmt"
	"os"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: apicoverage OUTPUT_FILE")
		os.Exit(2)
	}
	// The guide is a tracked documentation file, readable by everyone like the rest of the tree.
	if err := os.WriteFile(os.Args[1], []byte(hostwinds.CoverageMarkdown()), 0o644); err != nil { //nolint:gosec
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
