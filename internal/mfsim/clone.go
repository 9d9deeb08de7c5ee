package mfsim

import "fmt"

// CloneTask is what `resume` does for a task that already succeeded in
// the origin run: a new task with the origin's artifact index, the
// origin-run-id/origin-task-id metadata and DONE, and no task_begin, logs,
// .runtime or cards (those stay with the origin task).
func (s *Step) CloneTask(origin *Task) (*Task, error) {
	r := s.run
	if r.origin == nil {
		return nil, fmt.Errorf("mfsim: clone into %s: the run has no origin", r.Pathspec())
	}
	if origin.lastData == nil || !origin.ok {
		return nil, fmt.Errorf("mfsim: clone %s: only finished, successful tasks are cloned", origin.Pathspec())
	}
	t, err := s.newTask(TaskOptions{ID: origin.id, Foreach: origin.opts.Foreach, Split: origin.opts.Split})
	if err != nil {
		return nil, err
	}
	d := r.ds()
	if err := d.put(t.file("0.attempt.json"), attemptJSON(t.attemptStart)); err != nil {
		return nil, err
	}
	if err := d.put(t.file("0.data.json"), d.dataJSON(0, origin.lastData)); err != nil {
		return nil, err
	}
	tags := attemptTag(0)
	if err := t.meta.write(d.now(), tags, r.systemInfo()...); err != nil {
		return nil, err
	}
	if err := t.meta.write(d.now(), tags,
		sysField("origin-task-id", origin.id),
		sysField("origin-run-id", origin.step.run.id),
		sysField("attempt", "0")); err != nil {
		return nil, err
	}
	// attempt_ok on clones exists from 2.11.16 (docs/format.md §6).
	end := []field{sysField("attempt-done", "0")}
	if d.opts.Version != V2_11 {
		end = append([]field{{"attempt_ok", "internal_attempt_status", "True"}}, end...)
	}
	tEnd := d.now()
	if err := t.meta.write(tEnd, tags, end...); err != nil {
		return nil, err
	}
	if err := d.put(t.file("0.DONE.lock"), doneLock); err != nil {
		return nil, err
	}
	t.lastData, t.done, t.ok, t.finishedAt = origin.lastData, true, true, tEnd
	return t, nil
}
