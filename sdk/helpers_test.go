package sdk

import (
	"math"
	"net"
	"testing"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// dispense connects a gRPC client to an in-process gRPC server serving ps
// (go-plugin's real protobuf path) and dispenses kind.
func dispense(t *testing.T, ps plugin.PluginSet, kind string) interface{} {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, ps)
	// Close asks the server to shut down (go-plugin's controller); stopping
	// the server here as well would race inside go-plugin.
	t.Cleanup(func() { _ = client.Close() })
	raw, err := client.Dispense(kind)
	if err != nil {
		t.Fatalf("Dispense(%q): %v", kind, err)
	}
	return raw
}

// rawConn serves ps on a gRPC server built like Serve builds it (raised
// message limits) and returns a client connection dialled like go-plugin
// dials (unlimited call sizes on the client).
func rawConn(t *testing.T, ps plugin.PluginSet) *grpc.ClientConn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newGRPCServer(nil)
	for name, p := range ps {
		if err := p.(plugin.GRPCPlugin).GRPCServer(nil, srv); err != nil {
			t.Fatalf("register %s: %v", name, err)
		}
	}
	go func() { _ = srv.Serve(ln) }()
	conn, err := grpc.NewClient(ln.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(math.MaxInt32), grpc.MaxCallSendMsgSize(math.MaxInt32)),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		srv.Stop()
	})
	return conn
}
