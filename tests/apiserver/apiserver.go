package main

import (
	"flag"
	"fmt"
	"path/filepath"

	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// runAPIServer runs kube-apiserver with the flags a loopback-only test cluster needs.
// The files it reads (tokens, service-account key) are written by "up".
func runAPIServer(args []string) error {
	fs := flag.NewFlagSet("apiserver", flag.ExitOnError)
	dir := fs.String("dir", "", "state directory written by 'up'")
	etcdURL := fs.String("etcd", "", "etcd client URL")
	port := fs.Int("port", 0, "secure port")
	_ = fs.Parse(args)
	if *dir == "" || *etcdURL == "" || *port == 0 {
		return fmt.Errorf("apiserver needs --dir, --etcd and --port")
	}
	saKey := filepath.Join(*dir, "sa.key")
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs([]string{
		"--etcd-servers=" + *etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", *port),
		"--cert-dir=" + filepath.Join(*dir, "pki"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-signing-key-file=" + saKey,
		"--service-account-key-file=" + saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=RBAC",
		"--token-auth-file=" + filepath.Join(*dir, "tokens.csv"),
		// No controller manager runs, so nothing would create the "default" ServiceAccount.
		"--disable-admission-plugins=ServiceAccount",
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=0",
	})
	return cmd.Execute()
}
