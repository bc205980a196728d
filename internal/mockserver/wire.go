package mockserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ERROR codes of result-list errors. The real codes are opaque and only
// 6734 (Invalid Action.) is known; the others are this mock's choice.
const (
	codeInvalidAction = "6734"
	codeInvalidParam  = "6701"
	codeNotFound      = "6702"
	codeBusy          = "6703"
	codeConflict      = "6704"
	codeInjected      = "6799"
)

// Messages that clients match on.
const (
	msgNotAuthorized   = "Not Authorized!"
	msgInvalidAction   = "Invalid Action."
	msgInvalidService  = "A valid serviceid is required."
	msgBusy            = "Instance is busy."
	msgDisksOnlyGrow   = "Disks can only grow."
	msgPrimaryIP       = "The primary IP cannot be deleted."
	msgProfileInUse    = "Profile is in use by an instance."
	msgInjectedDefault = "Internal error."
)

// request is one authorized API call.
type request struct {
	action string
	form   params
	// taskError makes the instance end in ERROR instead of finishing the
	// task that this call starts (FaultTaskError).
	taskError bool
}

// response is a handler's result. err repeats the error message for the log.
type response struct {
	body any
	err  string
}

// resultElement is one element of a result list.
type resultElement struct {
	Result  string `json:"result"`
	Action  string `json:"action"`
	Message string `json:"message"`
	Error   string `json:"ERROR,omitempty"`
}

func readResponse(v any) response {
	return response{body: map[string]any{"success": v}}
}

// done builds the one-element result list of a successful change.
func done(req *request, message string) response {
	return response{body: []resultElement{{Result: "success", Action: titleCase(req.action), Message: message}}}
}

func fail(req *request, code, message string) response {
	return response{
		body: []resultElement{{Result: "error", Action: titleCase(req.action), Message: message, Error: code}},
		err:  message,
	}
}

// invalidParam builds the "Invalid <name>." error of a missing or malformed parameter.
func invalidParam(req *request, name string) response {
	return fail(req, codeInvalidParam, "Invalid "+name+".")
}

func notFound(req *request) response {
	return fail(req, codeNotFound, msgInvalidService)
}

func invalidAction(action string) response {
	return response{
		body: []resultElement{{Result: "error", Action: action, Message: msgInvalidAction, Error: codeInvalidAction}},
		err:  msgInvalidAction,
	}
}

// authError is the only answer that is a bare object rather than a list.
func authError() resultElement {
	return resultElement{Result: "error", Action: "Authorization", Message: msgNotAuthorized}
}

// titleCase turns "add_instance" into "Add Instance", the action name that
// result lists carry.
func titleCase(action string) string {
	words := strings.Split(action, "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, "encoding the response failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// params is a parsed form body with PHP's reading of repeated and bracketed
// names.
type params url.Values

// get returns the last value of name, as PHP keeps the last of repeated fields.
func (p params) get(name string) string {
	values := p[name]
	if len(values) == 0 {
		return ""
	}
	return values[len(values)-1]
}

func (p params) has(name string) bool {
	_, ok := p[name]
	return ok
}

// getInt parses name as a decimal integer and reports whether it was present
// and valid.
func (p params) getInt(name string) (int, bool) {
	v := strings.TrimSpace(p.get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false
	}
	return n, true
}

var listIndexPattern = regexp.MustCompile(`^\[(\d*)\]$`)

// list returns a PHP list parameter sent as name[]=a&name[]=b or with
// explicit indices name[0]=a. A plain name=a is a string in PHP, not a list,
// so list reports it as invalid (ok false).
func (p params) list(name string) (values []string, ok bool) {
	if p.has(name) {
		return nil, false
	}
	type indexed struct {
		index    int
		position int
		value    string
	}
	var items []indexed
	for key, vals := range p {
		rest, found := strings.CutPrefix(key, name)
		if !found || !strings.HasPrefix(rest, "[") {
			continue
		}
		m := listIndexPattern.FindStringSubmatch(rest)
		if m == nil {
			return nil, false
		}
		if m[1] == "" {
			for i, v := range vals {
				items = append(items, indexed{index: -1, position: i, value: v})
			}
			continue
		}
		index, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, false
		}
		items = append(items, indexed{index: index, value: vals[len(vals)-1]})
	}
	// Appended items (name[]) come first in the order sent, then explicit
	// indices by number.
	slices.SortStableFunc(items, func(a, b indexed) int {
		if a.index != b.index {
			return a.index - b.index
		}
		return a.position - b.position
	})
	for _, item := range items {
		values = append(values, item.value)
	}
	return values, true
}

var recordKeyPattern = regexp.MustCompile(`^\[(\d+)\]\[([A-Za-z0-9_]+)\]$`)

// records returns a PHP list of records sent as name[0][field]=value, ordered
// by index. The bad key is returned when a field name does not have that form.
func (p params) records(name string) (records []map[string]string, badKey string) {
	byIndex := map[int]map[string]string{}
	for key, vals := range p {
		rest, found := strings.CutPrefix(key, name)
		if !found || (rest != "" && !strings.HasPrefix(rest, "[")) {
			continue
		}
		m := recordKeyPattern.FindStringSubmatch(rest)
		if m == nil {
			return nil, key
		}
		index, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, key
		}
		if byIndex[index] == nil {
			byIndex[index] = map[string]string{}
		}
		byIndex[index][m[2]] = vals[len(vals)-1]
	}
	indices := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indices = append(indices, i)
	}
	slices.Sort(indices)
	for _, i := range indices {
		record := byIndex[i]
		record[recordIndexField] = strconv.Itoa(i)
		records = append(records, record)
	}
	return records, ""
}

// recordIndexField carries a record's index so that errors can name
// rules[N][field]. It cannot clash with a sent field, whose names match
// [A-Za-z0-9_]+.
const recordIndexField = "#index"
