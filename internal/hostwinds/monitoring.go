package hostwinds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

// Field names that the provider reads from events. No public source names them, so they are
// assumed; cmd/hostwinds-probe reports which of them a live get_smtp_filters response lacks.
var (
	MaintenanceEventFields = []string{"id", "type", "status", "description", "start", "end"}
	SMTPFilterEventFields  = []string{"id", "serviceid", "ip", "type", "reason", "created_at"}
)

// Event is one element of get_instance_maintenance or get_smtp_filters. The documentation
// names both actions but not the fields of their events, so the client keeps every field as
// the API sent it and callers pick the fields they know by name.
type Event struct {
	// Fields maps each field name to its JSON value as sent.
	Fields map[string]json.RawMessage
	// Raw is the whole event as compact JSON.
	Raw string
}

// UnmarshalJSON implements json.Unmarshaler. An event must be a JSON object.
func (e *Event) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return fmt.Errorf("an event must be a JSON object, got %s", bodyStart(bytes.TrimSpace(data)))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return err
	}
	*e = Event{Fields: fields, Raw: compact.String()}
	return nil
}

// Text returns a field as text: a string as it is, a number as the API wrote it, true or
// false, and an object or array as compact JSON. A missing or null field gives "".
func (e Event) Text(name string) string {
	raw, ok := e.Fields[name]
	if !ok {
		return ""
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		return compact.String()
	}
	return string(raw)
}

// eventList decodes the "success" value of an event read. The documented shape is an array,
// but an object keyed by event id and null are accepted too, because the live shape has not
// been seen. Events of an object come back sorted by key so that reads are stable.
type eventList []Event

// UnmarshalJSON implements json.Unmarshaler.
func (l *eventList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*l = eventList{}
		return nil
	case len(data) > 0 && data[0] == '{':
		var byKey map[string]Event
		if err := json.Unmarshal(data, &byKey); err != nil {
			return err
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		events := make(eventList, 0, len(keys))
		for _, k := range keys {
			events = append(events, byKey[k])
		}
		*l = events
		return nil
	default:
		var events []Event
		if err := json.Unmarshal(data, &events); err != nil {
			return err
		}
		if events == nil {
			events = []Event{}
		}
		*l = events
		return nil
	}
}

// DecodeEvents decodes the "success" value of get_instance_maintenance or get_smtp_filters
// the way the typed methods do, for callers that received the response through CallAction.
func DecodeEvents(success json.RawMessage) ([]Event, error) {
	var events eventList
	if err := json.Unmarshal(success, &events); err != nil {
		return nil, err
	}
	return nonNil(events), nil
}

// GetInstanceMaintenance returns the maintenance events of one instance. A missing instance
// gives an error that IsNotFound recognizes.
func (c *Client) GetInstanceMaintenance(ctx context.Context, id int64) ([]Event, error) {
	var events eventList
	if err := c.call(ctx, ActionGetInstanceMaintenance, serviceParams(id), &events); err != nil {
		return nil, err
	}
	return nonNil(events), nil
}

// GetSMTPFilters returns the SMTP filter events of the account, or with a serviceid above 0
// only those of that instance. A missing instance gives an error that IsNotFound recognizes.
func (c *Client) GetSMTPFilters(ctx context.Context, serviceID int64) ([]Event, error) {
	var params url.Values
	if serviceID > 0 {
		params = url.Values{"serviceid": {strconv.FormatInt(serviceID, 10)}}
	}
	var events eventList
	if err := c.call(ctx, ActionGetSMTPFilters, params, &events); err != nil {
		return nil, err
	}
	return nonNil(events), nil
}

// nonNil turns the nil list that a null "success" value leaves into an empty one, because
// json.Unmarshal does not call UnmarshalJSON for a top-level null.
func nonNil(events eventList) []Event {
	if events == nil {
		return []Event{}
	}
	return events
}
