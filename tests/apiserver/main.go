// Command harness runs a real etcd and a real kube-apiserver on loopback for tests and the demo.
//
//	harness up [--dir D] [--keep] [--stop-on-stdin-close]
//	                                  etcd + API server as child processes, RBAC identities, kubeconfig;
//	                                  prints "READY kubeconfig=<path>"; SIGHUP restarts the API server
//	                                  (etcd keeps its data), SIGTERM/SIGINT stops both.
//	harness compact --dir D           compacts etcd at its current revision (old resourceVersions → 410)
//	harness etcd ... / apiserver ...  the child processes started by "up"
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: harness up|compact|etcd|apiserver [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = runUp(os.Args[2:])
	case "compact":
		err = runCompact(os.Args[2:])
	case "etcd":
		err = runEtcd(os.Args[2:])
	case "apiserver":
		err = runAPIServer(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (want up, compact, etcd or apiserver)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}
