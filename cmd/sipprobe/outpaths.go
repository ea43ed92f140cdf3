package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

// checkOutputPaths makes sure, before anything is sent, that run can write
// every file it was asked for: a --prom-file in a missing directory must
// not cost a whole sweep of probes (and fail naming a temporary file).
// --check checks them too.
func checkOutputPaths(c *cli.Context) error {
	for _, name := range []string{"junit", "json", "prom-file"} {
		if p := c.String(name); p != "" {
			if err := checkWritable(p, false); err != nil {
				return usagef("%s %s: %v", source(c, name), p, err)
			}
		}
	}
	if p := c.String("db"); p != "" && !c.Bool("no-history") {
		// The history store creates missing directories (0700) itself.
		if err := checkWritable(p, true); err != nil {
			return usagef("%s %s: %v", source(c, "db"), p, err)
		}
	}
	return nil
}

// checkWritable reports why path cannot be written: it is a directory, or
// its directory is missing (unless mkdir: then the nearest existing
// ancestor counts) or not writable. Writability is tried with a temporary
// file, which also catches read-only file systems.
func checkWritable(path string, mkdir bool) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory")
	}
	dir := filepath.Dir(path)
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", dir)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if !mkdir || filepath.Dir(dir) == dir {
			return fmt.Errorf("directory %s does not exist", dir)
		}
		dir = filepath.Dir(dir)
	}
	f, err := os.CreateTemp(dir, ".sipprobe-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write in %s: %v", dir, err)
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}
