// Command terraform-provider-hostwinds serves the Hostwinds Cloud provider to Terraform and OpenTofu
// over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

// logVariables are the environment variables that turn on Terraform's or the provider's logs.
var logVariables = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
	"TF_LOG_PROVIDER_HOSTWINDS_API",
}

// silenceUnreadLogs turns the SDK's and the provider's logging off when no log variable is
// set. Terraform then discards every provider log line, but the SDK would still format and
// mask each one. Turning it off cut a 300-instance refresh from 10.4 s to 7.6 s on the 2-core
// benchmark machine (BENCHMARKS.md).
func silenceUnreadLogs() {
	for _, name := range logVariables {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "off")
	}
}

func main() {
	silenceUnreadLogs()

	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/penguinmails/hostwinds",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
