package hostwinds_test

import (
	"os"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// The guide is rendered from the client's table by `make docs`; this test fails when someone
// changes the table without rendering the guide again.
func TestCoverageGuideUpToDate(t *testing.T) {
	const guide = "../../templates/guides/api-coverage.md.tmpl"
	current, err := os.ReadFile(guide)
	if err != nil {
		t.Fatalf("reading %s: %v", guide, err)
	}
	if string(current) != hostwinds.CoverageMarkdown() {
		t.Errorf("%s is out of date: run `make docs` and commit the result", guide)
	}
}
