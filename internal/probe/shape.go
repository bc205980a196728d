package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// shapeCheck compares the success value of a read with the shape the client assumes. It
// returns a description of the first mismatch, or "" and an optional note on what could not
// be checked.
type shapeCheck func(success json.RawMessage) (mismatch, note string)

// shapeChecks holds a check for every read on the allow-list that takes no serviceid. The
// field lists come from the JSON tags of the client's types, so they follow the client.
var shapeChecks = map[string]shapeCheck{
	hostwinds.ActionGetInstances:        listOf[hostwinds.Instance](hostwinds.FieldManaged),
	hostwinds.ActionGetInstanceIDs:      listOf[hostwinds.InstanceSummary](),
	hostwinds.ActionGetPriceList:        objectOf[hostwinds.Plan](),
	hostwinds.ActionGetLocations:        listOf[hostwinds.Location](),
	hostwinds.ActionGetPublicImages:     listOf[hostwinds.Image](),
	hostwinds.ActionGetFirewallProfiles: listOf[hostwinds.FirewallProfile](),
	hostwinds.ActionGetSMTPFilters:      eventList(hostwinds.SMTPFilterEventFields),
}

// emptyNote explains why an empty list proves less than a full one.
const emptyNote = "the account has none, so the element fields were not checked"

// listOf checks for a JSON array whose elements decode into T and carry every field of T,
// plus extraFields that T decodes by hand.
func listOf[T any](extraFields ...string) shapeCheck {
	return func(success json.RawMessage) (string, string) {
		if kind := jsonKind(success); kind != "an array" {
			return fmt.Sprintf("the success value is %s, not an array", kind), ""
		}
		var decoded []T
		if err := json.Unmarshal(success, &decoded); err != nil {
			return "the response does not decode into the client's type: " + err.Error(), ""
		}
		var elements []json.RawMessage
		if err := json.Unmarshal(success, &elements); err != nil {
			return "the response is not an array of JSON values: " + err.Error(), ""
		}
		return missingInElements(reflect.TypeFor[T](), elements, extraFields)
	}
}

// objectOf checks for a JSON object whose values decode into T and carry every field of T,
// the shape of get_price_list, whose options are keyed by name.
func objectOf[T any](extraFields ...string) shapeCheck {
	return func(success json.RawMessage) (string, string) {
		if kind := jsonKind(success); kind != "an object" {
			return fmt.Sprintf("the success value is %s, not an object keyed by option", kind), ""
		}
		var decoded map[string]T
		if err := json.Unmarshal(success, &decoded); err != nil {
			return "the response does not decode into the client's type: " + err.Error(), ""
		}
		var byKey map[string]json.RawMessage
		if err := json.Unmarshal(success, &byKey); err != nil {
			return "the response is not an object of JSON values: " + err.Error(), ""
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		elements := make([]json.RawMessage, 0, len(keys))
		for _, k := range keys {
			elements = append(elements, byKey[k])
		}
		return missingInElements(reflect.TypeFor[T](), elements, extraFields)
	}
}

// eventList checks an event read, whose events are free-form: it must decode with
// hostwinds.DecodeEvents, and each event should carry the fields the data sources read.
func eventList(fields []string) shapeCheck {
	return func(success json.RawMessage) (string, string) {
		events, err := hostwinds.DecodeEvents(success)
		if err != nil {
			return "the response does not decode into the client's event list: " + err.Error(), ""
		}
		if len(events) == 0 {
			return "", emptyNote
		}
		missing := map[string]bool{}
		for _, e := range events {
			for _, name := range fields {
				if _, ok := e.Fields[name]; !ok {
					missing[name] = true
				}
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("events lack fields that the data source reads: %s (the raw attribute still "+
				"carries every field)", joinSorted(missing)), ""
		}
		return "", ""
	}
}

// missingInElements lists the fields of t, and extraFields, that some element lacks.
func missingInElements(t reflect.Type, elements []json.RawMessage, extraFields []string) (string, string) {
	if len(elements) == 0 {
		return "", emptyNote
	}
	missing := map[string]bool{}
	for _, element := range elements {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(element, &fields); err != nil {
			return "an element is not a JSON object", ""
		}
		for _, name := range extraFields {
			if _, ok := fields[name]; !ok {
				missing[name] = true
			}
		}
		collectMissing(t, fields, "", missing)
	}
	if len(missing) > 0 {
		return "missing fields: " + joinSorted(missing), ""
	}
	return "", ""
}

// scalarTypes decode from a JSON scalar with their own UnmarshalJSON, so their fields are no
// JSON fields.
var scalarTypes = map[reflect.Type]bool{
	reflect.TypeFor[hostwinds.Number](): true,
	reflect.TypeFor[hostwinds.Bool]():   true,
}

// collectMissing adds to missing each JSON field of struct type t that fields lacks, and
// descends into nested objects and arrays of objects. A field that is present with the value
// null counts as present, because the client decodes null as "not set".
func collectMissing(t reflect.Type, fields map[string]json.RawMessage, prefix string, missing map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		field := t.Field(i)
		name := jsonName(field)
		if name == "" {
			continue
		}
		raw, ok := fields[name]
		if !ok {
			missing[prefix+name] = true
			continue
		}

		nested := field.Type
		for nested.Kind() == reflect.Pointer {
			nested = nested.Elem()
		}
		switch {
		case nested.Kind() == reflect.Struct && !scalarTypes[nested]:
			var inner map[string]json.RawMessage
			if json.Unmarshal(raw, &inner) == nil && inner != nil {
				collectMissing(nested, inner, prefix+name+".", missing)
			}
		case nested.Kind() == reflect.Slice && isObjectType(nested.Elem()):
			var items []map[string]json.RawMessage
			if json.Unmarshal(raw, &items) == nil {
				for _, item := range items {
					collectMissing(derefType(nested.Elem()), item, prefix+name+"[].", missing)
				}
			}
		}
	}
}

// jsonName returns the name the field has in JSON, or "" for a field that encoding/json
// skips.
func jsonName(field reflect.StructField) string {
	if !field.IsExported() {
		return ""
	}
	tag := field.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return field.Name
	}
	return name
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func isObjectType(t reflect.Type) bool {
	t = derefType(t)
	return t.Kind() == reflect.Struct && !scalarTypes[t]
}

// jsonKind names the kind of a JSON value for messages.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '[':
		return "an array"
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func joinSorted(set map[string]bool) string {
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
