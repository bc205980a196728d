package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Report is the machine-readable output of a probe run.
type Report struct {
	Endpoint string   `json:"endpoint"`
	Failed   bool     `json:"failed"`
	Results  []Result `json:"results"`
}

// WriteTable prints one row per action (action, evidence level, result) and a summary line.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tEVIDENCE\tRESULT")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Action, r.Evidence, r.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\n"+Summary(results))
	return err
}

// WriteJSON prints the report as one indented JSON object.
func WriteJSON(w io.Writer, endpoint string, results []Result) error {
	if results == nil {
		results = []Result{}
	}
	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	return encoder.Encode(Report{Endpoint: endpoint, Failed: AnyFailed(results), Results: results})
}

// Summary counts the results by outcome in one sentence.
func Summary(results []Result) string {
	counts := map[Status]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	probed := len(results) - counts[StatusNotProbed]
	return fmt.Sprintf("%d of %d actions probed: %d exist, %d respond in the expected shape, %d unknown, "+
		"%d with an unexpected response, %d with a different shape.",
		probed, len(results), counts[StatusExists], counts[StatusExpectedShape], counts[StatusUnknownAction],
		counts[StatusUnexpected], counts[StatusShapeMismatch])
}
