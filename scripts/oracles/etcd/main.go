// Oracle: etcd, as upstream's own main (go.etcd.io/etcd/v3's main.go) runs it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
