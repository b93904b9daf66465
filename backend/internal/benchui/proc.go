package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// procMem is one process's memory. PssKB = anon + file + shmem; only the
// file-backed part (shared libraries) depends on other processes: it is
// lower while other processes map the same libraries.
type procMem struct {
	PID                     int
	Comm                    string
	PssKB                   int64
	AnonKB, FileKB, ShmemKB int64
}

// treeMemory returns the PSS of root and every process descending from it
// (WebKitWebProcess, WebKitNetworkProcess, … are children of the app),
// largest first. Processes that exit while being read are left out.
func treeMemory(root int) []procMem {
	var out []procMem
	for _, pid := range descendants(root) {
		m, err := rollup(pid)
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		m.PID, m.Comm = pid, strings.TrimSpace(string(comm))
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b procMem) int { return int(b.PssKB - a.PssKB) })
	return out
}

func totalMB(ps []procMem) float64 {
	var kb int64
	for _, p := range ps {
		kb += p.PssKB
	}
	return float64(kb) / 1024
}

// anonMB is the anonymous (private) share of totalMB: unaffected by other
// processes.
func anonMB(ps []procMem) float64 {
	var kb int64
	for _, p := range ps {
		kb += p.AnonKB + p.ShmemKB
	}
	return float64(kb) / 1024
}

// descendants returns root and all its descendants (from /proc/*/stat).
func descendants(root int) []int {
	children := map[int][]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(pid); ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// rollup reads the Pss lines of /proc/<pid>/smaps_rollup.
func rollup(pid int) (procMem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return procMem{}, err
	}
	defer f.Close()
	var m procMem
	fields := map[string]*int64{"Pss:": &m.PssKB, "Pss_Anon:": &m.AnonKB, "Pss_File:": &m.FileKB, "Pss_Shmem:": &m.ShmemKB}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if dst := fields[k]; ok && dst != nil {
			*dst, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return procMem{}, err
	}
	if m.PssKB == 0 {
		return procMem{}, fmt.Errorf("/proc/%d/smaps_rollup: no Pss line", pid)
	}
	return m, nil
}

// otherWebKit returns the processes of other WebKitGTK apps: outside tree,
// WebKit's helper processes (WebKitWebProcess, WebKitNetworkProcess, …) and
// the app processes that started them.
func otherWebKit(tree []int) []int {
	ours := map[int]bool{}
	for _, p := range tree {
		ours[p] = true
	}
	seen := map[int]bool{}
	var out []int
	add := func(pid int) {
		if pid > 1 && !ours[pid] && !seen[pid] {
			seen[pid] = true
			out = append(out, pid)
		}
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || ours[pid] {
			continue
		}
		if comm, err := os.ReadFile(d + "/comm"); err == nil && bytes.HasPrefix(comm, []byte("WebKit")) {
			add(pid)
			if ppid, ok := parentOf(pid); ok {
				add(ppid)
			}
		}
	}
	return out
}

// cpuTimes reads the aggregate busy and total jiffies from /proc/stat.
func cpuTimes() (busy, total uint64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	for i, s := range f[1:] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, err
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total, nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// mappingsPSS sums /proc/<pid>/smaps PSS by what is mapped (a library's
// base name, [heap], [anon], memfd:…) and returns the n largest, as
// "name MB" strings.
func mappingsPSS(pid, n int) []string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return nil
	}
	defer f.Close()
	sum := map[string]int64{}
	name := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			sum[name] += kb
			continue
		}
		// A mapping's header: "start-end perms offset dev inode [path]".
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			name = "[anon]"
			if len(fields) >= 6 {
				name = filepath.Base(strings.Join(fields[5:], " "))
			}
		}
	}
	type kv struct {
		name string
		kb   int64
	}
	var all []kv
	for k, v := range sum {
		all = append(all, kv{k, v})
	}
	slices.SortFunc(all, func(a, b kv) int { return int(b.kb - a.kb) })
	var out []string
	for _, e := range all[:min(n, len(all))] {
		out = append(out, fmt.Sprintf("%s %.1f", e.name, float64(e.kb)/1024))
	}
	return out
}
