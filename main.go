// Command terraform-provider-hostwinds serves the Hostwinds Cloud provider to Terraform and OpenTofu
// over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
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
