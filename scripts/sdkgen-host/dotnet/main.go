// The .NET counterpart of ../main.go (read that first). The .NET host (pulumi-language-dotnet) and its
// generator moved to github.com/pulumi/pulumi-dotnet, whose module the Go proxy refuses (403); the
// generator it grew from is pkg/v3's codegen/dotnet, which v3.206.0 (this module's pin) still has and
// v3.250.0 no longer does. A separate module because one build holds one version of pkg/v3.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	dotnetgen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
}

func (h *host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
	}
	files, err := dotnetgen.GeneratePackage("pulumi-language-dotnet", pkg, req.ExtraFiles, req.LocalDependencies)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		out := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
}

// The generator downloads the package icon (by default Pulumi's logo, from raw.githubusercontent.com:
// getLogo in codegen/dotnet/gen.go) and fails without a network. Where the download fails, the icon is
// a blank 64x64 PNG, said on stderr; with a network nothing changes.
type iconFallback struct{ next http.RoundTripper }

func (t iconFallback) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), 10*time.Second)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err == nil {
		body, readErr := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if readErr == nil && resp.StatusCode == http.StatusOK {
			return resp, nil
		}
		err = fmt.Errorf("%s (%v)", resp.Status, readErr)
	}
	cancel()
	if !strings.HasSuffix(req.URL.Path, ".png") {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "warning: the package icon %s could not be downloaded (%v): the .NET SDK's logo.png is blank\n", req.URL, err)
	var icon bytes.Buffer
	if err := png.Encode(&icon, image.NewNRGBA(image.Rect(0, 0, 64, 64))); err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(&icon), Request: req}, nil
}

// GetPluginInfo is the first call the CLI makes to a language host it starts.
func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// The pkg/v3 version in go.mod, whose generator this host runs.
const version = "3.206.0"

func main() {
	http.DefaultTransport = iconFallback{next: http.DefaultTransport}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
