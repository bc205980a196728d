package probe

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

var sampleResults = []Result{
	{Action: "get_instance", Evidence: hostwinds.Live, Status: StatusExists, Detail: "exists"},
	{Action: "add_ip", Evidence: hostwinds.Assumed, Status: StatusUnknownAction, Detail: "unknown action"},
	{Action: "add_instance", Evidence: hostwinds.Documented, Status: StatusNotProbed, Detail: reasonMutating},
}

func TestWriteTable(t *testing.T) {
	var out bytes.Buffer
	if err := WriteTable(&out, sampleResults); err != nil {
		t.Fatalf("WriteTable: %v", err)
	}

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d lines, want a header, 3 rows, a blank line and a summary:\n%s", len(lines), out.String())
	}
	if fields := strings.Fields(lines[0]); !reflect.DeepEqual(fields, []string{"ACTION", "EVIDENCE", "RESULT"}) {
		t.Errorf("header = %q", lines[0])
	}
	if fields := strings.Fields(lines[2]); !reflect.DeepEqual(fields, []string{"add_ip", "assumed", "unknown", "action"}) {
		t.Errorf("row 2 = %q", lines[2])
	}
	// The columns line up, so the result column starts at the same offset on every row.
	column := strings.Index(lines[0], "RESULT")
	if got := strings.Index(lines[3], "not probed"); got != column {
		t.Errorf("result column of row 3 starts at %d, want %d", got, column)
	}
	want := "2 of 3 actions probed: 1 exist, 0 respond in the expected shape, 1 unknown, 0 with an unexpected response, 0 with a different shape."
	if lines[5] != want {
		t.Errorf("summary = %q, want %q", lines[5], want)
	}
}

func TestWriteJSON(t *testing.T) {
	var out bytes.Buffer
	if err := WriteJSON(&out, "http://127.0.0.1:1/cloud/api.php", sampleResults); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}

	var report Report
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if !report.Failed {
		t.Error("failed = false, want true because add_ip is unknown")
	}
	if !reflect.DeepEqual(report.Results, sampleResults) {
		t.Errorf("results = %+v, want %+v", report.Results, sampleResults)
	}
	if !strings.Contains(out.String(), `"result": "unknown action"`) {
		t.Errorf("output lacks the result key:\n%s", out.String())
	}
}
