package hostwinds

import (
	"fmt"
	"strings"
)

// CoverageMarkdown renders the API coverage guide from Actions and AssumedFields, so that the
// page users read cannot drift from the names the client sends.
func CoverageMarkdown() string {
	var b strings.Builder
	b.WriteString(`---
page_title: "API coverage: live, documented and assumed actions"
subcategory: ""
description: |-
  Every Hostwinds API action and field the provider uses, with how much is known about it.
---

# API coverage

Only part of the Hostwinds Cloud API is documented in public. The provider marks each action it
calls with the evidence behind it:

- **live**: seen working against the real API by a third-party client;
- **documented**: named, with its parameters, in a copy of the official documentation;
- **assumed**: no public source names it, so the provider uses a name that looks like the
  documented actions. Check these first when a call fails with ` + "`Invalid Action.`" + `, the response
  Hostwinds gives to an unknown action name.

All these names are kept in one table in the provider's API client (` + "`internal/hostwinds/api.go`" + `),
so a correction changes one line. A read-only action changes nothing, so the provider resends it
after a network error or a 5xx response; a change is resent only after 429 or 503.

## Actions

| action | evidence | read-only | notes |
| --- | --- | --- | --- |
`)
	for _, a := range Actions {
		readOnly := "no"
		if a.ReadOnly {
			readOnly = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", a.Name, a.Evidence, readOnly, a.Note)
	}
	b.WriteString(`
## Assumed fields and parameters

| name | where | meaning |
| --- | --- | --- |
`)
	for _, f := range AssumedFields {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, f.Where, f.Meaning)
	}
	return b.String()
}
