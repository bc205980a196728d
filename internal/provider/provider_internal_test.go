package provider

import "testing"

func TestInsecureEndpoint(t *testing.T) {
	cases := map[string]bool{
		"https://clients.hostwinds.com/cloud/api.php": false,
		"http://127.0.0.1:8910/cloud/api.php":         false,
		"http://127.8.9.10/cloud/api.php":             false,
		"http://[::1]:8910/cloud/api.php":             false,
		"http://localhost:8910/cloud/api.php":         false,
		"http://clients.hostwinds.com/cloud/api.php":  true,
		"http://10.0.0.5/cloud/api.php":               true,
	}
	for endpoint, want := range cases {
		if got := insecureEndpoint(endpoint); got != want {
			t.Errorf("insecureEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

func TestCheckEndpoint(t *testing.T) {
	valid := []string{"https://clients.hostwinds.com/cloud/api.php", "http://127.0.0.1:1/x"}
	invalid := []string{"", "clients.hostwinds.com", "ftp://127.0.0.1/", "https://", "://x"}
	for _, endpoint := range valid {
		if err := checkEndpoint(endpoint); err != nil {
			t.Errorf("checkEndpoint(%q) = %v, want nil", endpoint, err)
		}
	}
	for _, endpoint := range invalid {
		if err := checkEndpoint(endpoint); err == nil {
			t.Errorf("checkEndpoint(%q) = nil, want an error", endpoint)
		}
	}
}
