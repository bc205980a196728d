package provider_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// examplesDir is the folder of the documentation examples and the tenant example, relative to
// this package.
const examplesDir = "../../examples"

// TestExamples_terraformFmt fails when a file under examples/ is not formatted the way
// `terraform fmt` formats it, because tfplugindocs copies the examples into docs/ as they are.
func TestExamples_terraformFmt(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to check the examples with terraform fmt")
	}
	accPreCheck(t)

	examples, err := filepath.Glob(filepath.Join(examplesDir, "*", "*"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("found no examples under %s (error: %v)", examplesDir, err)
	}

	// -check exits with 3 and lists the files that need formatting on stdout, one a line.
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "fmt", "-check", "-recursive", "-no-color", examplesDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err = cmd.Run()

	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && stdout.Len() > 0:
		files := strings.Fields(stdout.String())
		t.Errorf("these example files are not formatted as terraform fmt formats them. Run `make fmt` "+
			"(terraform fmt -recursive examples) and commit the result:\n  %s", strings.Join(files, "\n  "))
	default:
		t.Fatalf("terraform fmt -check failed to run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
}
