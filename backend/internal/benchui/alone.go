package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// pageSize is the unit of /proc/<pid>/pagemap.
var pageSize = int64(os.Getpagesize())

// aloneMB is the tree's PSS as if no other WebKitGTK app ran: what the
// kernel counts (Pss_Anon, Pss_Shmem, and each resident page of a mapped
// file divided by the number of its mappings), except that mappings by
// processes of other WebKitGTK apps (others) are not counted as sharing.
// Those share WebKit's libraries (and Mesa, ICU, flite…) and, on a shared
// machine, come and go during a run, moving the kernel's figure by tens of
// MB while Tusk does nothing; on a user's desktop Tusk is usually the only
// WebKitGTK app. Libraries shared with the rest of the desktop stay shared.
// It needs page frame numbers (/proc/<pid>/pagemap, /proc/kpagecount: root
// or CAP_SYS_ADMIN); ok is false without them.
func aloneMB(ps []procMem, others []int) (mb float64, ok bool) {
	frames := make([][]uint64, len(ps))
	for i, p := range ps {
		f, err := fileFrames(p.PID)
		if err != nil {
			return 0, false
		}
		frames[i] = f
	}
	theirs := map[uint64]int{} // page frame → mappings by other WebKit processes
	for _, pid := range others {
		f, err := fileFrames(pid)
		if err != nil {
			continue // exited meanwhile
		}
		for _, pfn := range f {
			theirs[pfn]++
		}
	}
	kpc, err := os.Open("/proc/kpagecount")
	if err != nil {
		return 0, false
	}
	defer kpc.Close()
	ours := map[uint64]int{}
	for _, f := range frames {
		for _, pfn := range f {
			ours[pfn]++
		}
	}
	counts := kpageCounts(kpc, ours)
	share := map[uint64]float64{} // page frame → our PSS of one mapping of it, kB
	for pfn, n := range ours {
		mappings := max(n, counts[pfn]-theirs[pfn])
		share[pfn] = float64(pageSize/1024) / float64(mappings)
	}
	var kb float64
	for i, p := range ps {
		kb += float64(p.AnonKB + p.ShmemKB)
		for _, pfn := range frames[i] {
			kb += share[pfn]
		}
	}
	return kb / 1024, true
}

// kpageCounts reads the mapping counts of frames from /proc/kpagecount (8
// bytes per frame), in runs of nearby frames: one read per frame would take
// seconds on a busy machine.
func kpageCounts(kpc *os.File, frames map[uint64]int) map[uint64]int {
	sorted := make([]uint64, 0, len(frames))
	for pfn := range frames {
		sorted = append(sorted, pfn)
	}
	slices.Sort(sorted)
	out := make(map[uint64]int, len(sorted))
	const gap = 256 // frames read past to join two runs
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j]-sorted[j-1] <= gap {
			j++
		}
		lo, hi := sorted[i], sorted[j-1]
		buf := make([]byte, 8*(hi-lo+1))
		if _, err := kpc.ReadAt(buf, int64(lo)*8); err == nil {
			for _, pfn := range sorted[i:j] {
				out[pfn] = int(binary.LittleEndian.Uint64(buf[8*(pfn-lo):]))
			}
		}
		i = j
	}
	return out
}

// fileFrames returns the page frames of pid's resident pages that map
// regular files (not shared memory or devices).
func fileFrames(pid int) ([]uint64, error) {
	maps, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, err
	}
	defer maps.Close()
	pm, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
	if err != nil {
		return nil, err
	}
	defer pm.Close()
	var out []uint64
	sawFrame := false
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// start-end perms offset dev inode path; inode 0 is anonymous.
		if len(f) < 6 || f[4] == "0" || !strings.HasPrefix(f[5], "/") || strings.HasPrefix(f[5], "/dev/") || strings.HasPrefix(f[5], "/memfd:") {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		n := int64(end-start) / pageSize
		buf := make([]byte, 8*n)
		if _, err := pm.ReadAt(buf, int64(start)/pageSize*8); err != nil {
			continue
		}
		for i := range n {
			e := binary.LittleEndian.Uint64(buf[8*i:])
			// Bit 63: present; bit 61: a file page (a private copy, such
			// as a relocated library page, is anonymous: in Pss_Anon).
			if e&(1<<63) == 0 || e&(1<<61) == 0 {
				continue
			}
			pfn := e & (1<<55 - 1)
			if pfn != 0 {
				sawFrame = true
			}
			out = append(out, pfn)
		}
	}
	if !sawFrame && len(out) > 0 {
		return nil, fmt.Errorf("/proc/%d/pagemap hides page frames (needs CAP_SYS_ADMIN)", pid)
	}
	return out, sc.Err()
}
