package hostwinds

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

func TestGetPriceListSortedByPlanID(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"success":{
		"opt-b":{"id":"901","rid":"12","name":"Large","ram":"4096","cpu":"2","disk":"100","bandwidth":"4000","monthly":"19.99"},
		"opt-a":{"id":"900","rid":"7","name":"Small","ram":"2048","cpu":"1","disk":"50","bandwidth":"2000","monthly":"9.99","annually":"107.89","quarterly":""}
	}}`))
	c := newTestClient(t, api.URL())

	plans, err := c.GetPriceList(context.Background(), false)
	if err != nil {
		t.Fatalf("GetPriceList: %v", err)
	}

	if len(plans) != 2 {
		t.Fatalf("got %d plans, want 2", len(plans))
	}
	if plans[0].PlanID.Int() != 7 || plans[1].PlanID.Int() != 12 {
		t.Errorf("plan ids = %d, %d, want 7, 12 in that order", plans[0].PlanID.Int(), plans[1].PlanID.Int())
	}
	small := plans[0]
	if small.Key != "opt-a" {
		t.Errorf("Key = %q, want opt-a", small.Key)
	}
	if small.OptionID.Int() != 900 {
		t.Errorf("OptionID = %d, want 900, apart from the plan id", small.OptionID.Int())
	}
	if small.RAM.Value != 2048 {
		t.Errorf("RAM = %v, want 2048 from the string \"2048\"", small.RAM.Value)
	}
	if small.Monthly.Text != "9.99" {
		t.Errorf("Monthly.Text = %q, want 9.99 as the API wrote it", small.Monthly.Text)
	}
	prices := small.Prices()
	if _, ok := prices["quarterly"]; ok {
		t.Error("Prices has quarterly, want an empty price left out")
	}
	if prices["annually"].Text != "107.89" {
		t.Errorf("annually = %q, want 107.89", prices["annually"].Text)
	}
	if got := api.Requests()[0].Form.Get("managed"); got != "0" {
		t.Errorf("managed = %q, want 0 because the API defaults to managed prices", got)
	}
}

func TestGetPriceListManaged(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"success":{}}`))
	c := newTestClient(t, api.URL())

	if _, err := c.GetPriceList(context.Background(), true); err != nil {
		t.Fatalf("GetPriceList: %v", err)
	}

	if got := api.Requests()[0].Form.Get("managed"); got != "1" {
		t.Errorf("managed = %q, want 1", got)
	}
}

func TestGetInstanceIPs(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"success":{"IP Addresses":[
		{"ip":"192.0.2.10","type":"primary","rdns":"hwsrv-1234.hostwindsdns.com"},
		{"ip":"192.0.2.11","type":"secondary","rdns":null}
	]}}`))
	c := newTestClient(t, api.URL())

	ips, err := c.GetInstanceIPs(context.Background(), 1234)
	if err != nil {
		t.Fatalf("GetInstanceIPs: %v", err)
	}

	want := []IPAddress{
		{IP: "192.0.2.10", Type: "primary", RDNS: "hwsrv-1234.hostwindsdns.com"},
		{IP: "192.0.2.11", Type: "secondary"},
	}
	if !reflect.DeepEqual(ips, want) {
		t.Errorf("GetInstanceIPs = %+v, want %+v", ips, want)
	}
	if got := api.Requests()[0].Form.Get("serviceid"); got != "1234" {
		t.Errorf("serviceid = %q, want 1234", got)
	}
}

func TestInstanceManaged(t *testing.T) {
	cases := map[string]struct {
		field     string
		wantValue bool
		wantValid bool
	}{
		"true":       {`,"managed":true`, true, true},
		"false":      {`,"managed":false`, false, true},
		"one":        {`,"managed":1`, true, true},
		"zero":       {`,"managed":0`, false, true},
		"string one": {`,"managed":"1"`, true, true},
		"null":       {`,"managed":null`, false, false},
		"missing":    {``, false, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var instance Instance
			if err := json.Unmarshal([]byte(`{"serviceid":"1234","srvrname":"web-1"`+tc.field+`}`), &instance); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}

			if instance.Managed.Value != tc.wantValue {
				t.Errorf("Managed.Value = %v, want %v", instance.Managed.Value, tc.wantValue)
			}
			if instance.Managed.Valid != tc.wantValid {
				t.Errorf("Managed.Valid = %v, want %v", instance.Managed.Valid, tc.wantValid)
			}
			if instance.Name != "web-1" {
				t.Errorf("Name = %q, want the tagged fields decoded too", instance.Name)
			}
		})
	}
}

func TestInstanceManagedInvalid(t *testing.T) {
	var instance Instance

	if err := json.Unmarshal([]byte(`{"managed":"maybe"}`), &instance); err == nil {
		t.Error("Unmarshal accepted managed = \"maybe\"")
	}
}

func TestGetInstancesManaged(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`{"success":[{"serviceid":1,"managed":"1"},{"serviceid":2,"managed":0}]}`))
	c := newTestClient(t, api.URL())

	instances, err := c.GetInstances(context.Background())
	if err != nil {
		t.Fatalf("GetInstances: %v", err)
	}

	if len(instances) != 2 {
		t.Fatalf("got %d instances, want 2", len(instances))
	}
	if !instances[0].Managed.Value {
		t.Error("instance 1 Managed = false, want true")
	}
	if instances[1].Managed.Value {
		t.Error("instance 2 Managed = true, want false")
	}
}

func TestFindInstancesByNameExact(t *testing.T) {
	// The API's search matches substrings of labels and hostnames.
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"success":[
		{"id":1,"srvrname":"web-1","hostname":"hwsrv-1.hostwindsdns.com","ips":["192.0.2.1"]},
		{"id":2,"srvrname":"web-10","hostname":"hwsrv-2.hostwindsdns.com","ips":"192.0.2.2"},
		{"id":3,"srvrname":"WEB-1","hostname":"web-1.example.com","ips":null},
		{"id":4,"srvrname":"web-1","hostname":"hwsrv-4.hostwindsdns.com","ips":[]}
	]}`))
	c := newTestClient(t, api.URL())

	matches, err := c.FindInstancesByName(context.Background(), "web-1")
	if err != nil {
		t.Fatalf("FindInstancesByName: %v", err)
	}

	var ids []int64
	for _, m := range matches {
		ids = append(ids, m.ID.Int())
	}
	if !reflect.DeepEqual(ids, []int64{1, 4}) {
		t.Errorf("matched ids = %v, want [1 4]", ids)
	}
	if got := api.Requests()[0].Form.Get("search"); got != "web-1" {
		t.Errorf("search = %q, want web-1", got)
	}
}

func TestFindInstancesByNameNone(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"success":[{"id":2,"srvrname":"web-10"}]}`))
	c := newTestClient(t, api.URL())

	matches, err := c.FindInstancesByName(context.Background(), "web-1")

	if err != nil {
		t.Fatalf("FindInstancesByName: %v", err)
	}
	if len(matches) != 0 {
		t.Errorf("got %d matches, want none", len(matches))
	}
}

func TestNumberUnmarshal(t *testing.T) {
	cases := map[string]struct {
		input string
		want  Number
	}{
		"number":         {`2048`, Number{Value: 2048, Valid: true, Text: "2048"}},
		"decimal":        {`9.99`, Number{Value: 9.99, Valid: true, Text: "9.99"}},
		"numeric string": {`"2048"`, Number{Value: 2048, Valid: true, Text: "2048"}},
		"price string":   {`"9.99"`, Number{Value: 9.99, Valid: true, Text: "9.99"}},
		"padded string":  {`" 12 "`, Number{Value: 12, Valid: true, Text: "12"}},
		"null":           {`null`, Number{}},
		"empty string":   {`""`, Number{}},
		"blank string":   {`"  "`, Number{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Number{Value: -1, Valid: true, Text: "stale"}

			if err := json.Unmarshal([]byte(tc.input), &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tc.input, err)
			}

			if got != tc.want {
				t.Errorf("Unmarshal(%s) = %+v, want %+v", tc.input, got, tc.want)
			}
		})
	}
}

func TestNumberUnmarshalInvalid(t *testing.T) {
	for _, input := range []string{`"abc"`, `true`, `{"value":1}`, `[1]`} {
		var n Number

		if err := json.Unmarshal([]byte(input), &n); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", input, n)
		}
	}
}

func TestNumberMarshal(t *testing.T) {
	out, err := json.Marshal(struct {
		Set   Number
		Unset Number
	}{Set: Number{Value: 9.99, Valid: true}})
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}

	if string(out) != `{"Set":9.99,"Unset":null}` {
		t.Errorf("Marshal = %s, want {\"Set\":9.99,\"Unset\":null}", out)
	}
}

func TestBoolUnmarshal(t *testing.T) {
	cases := map[string]Bool{
		`true`:    {Value: true, Valid: true},
		`false`:   {Value: false, Valid: true},
		`1`:       {Value: true, Valid: true},
		`0`:       {Value: false, Valid: true},
		`"1"`:     {Value: true, Valid: true},
		`"0"`:     {Value: false, Valid: true},
		`"true"`:  {Value: true, Valid: true},
		`"False"`: {Value: false, Valid: true},
		`"yes"`:   {Value: true, Valid: true},
		`null`:    {},
		`""`:      {},
	}
	for input, want := range cases {
		t.Run(input, func(t *testing.T) {
			got := Bool{Value: true, Valid: true}

			if err := json.Unmarshal([]byte(input), &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", input, err)
			}

			if got != want {
				t.Errorf("Unmarshal(%s) = %+v, want %+v", input, got, want)
			}
		})
	}
}

func TestBoolUnmarshalInvalid(t *testing.T) {
	for _, input := range []string{`2`, `"maybe"`, `{}`} {
		var b Bool

		if err := json.Unmarshal([]byte(input), &b); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", input, b)
		}
	}
}

func TestStringListUnmarshal(t *testing.T) {
	cases := map[string]struct {
		input string
		want  StringList
	}{
		"array":           {`["a","b"]`, StringList{"a", "b"}},
		"single string":   {`"a"`, StringList{"a"}},
		"null":            {`null`, nil},
		"empty string":    {`""`, nil},
		"empty array":     {`[]`, StringList{}},
		"objects by name": {`[{"id":1,"name":"laptop"},{"id":2,"name":"ci"}]`, StringList{"laptop", "ci"}},
		"object no name":  {`[{"id":1}]`, StringList{}},
		"numbers":         {`[5, 6]`, StringList{"5", "6"}},
		"null element":    {`["a", null]`, StringList{"a"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got StringList

			if err := json.Unmarshal([]byte(tc.input), &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tc.input, err)
			}

			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Unmarshal(%s) = %#v, want %#v", tc.input, got, tc.want)
			}
		})
	}
}

func TestStringListUnmarshalInvalid(t *testing.T) {
	for _, input := range []string{`{"name":"a"}`, `5`, `true`} {
		var l StringList

		if err := json.Unmarshal([]byte(input), &l); err == nil {
			t.Errorf("Unmarshal(%s) = %#v, want an error", input, l)
		}
	}
}
