// Package zktest runs a real ZooKeeper server for tests: Debian's zookeeper
// package (its jars under /usr/share/java and java on PATH), started as a
// standalone server on a free loopback port with its data in t.TempDir().
//
//	srv := zktest.Start(t)         // fails the test if ZooKeeper is not installed
//	conn, _, err := zk.Connect(srv.Servers(), time.Second)
//	srv.Restart()                  // same port and data: sessions survive
//
// scripts/ci-deps.sh installs the package.
package zktest
