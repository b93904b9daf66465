package main

// JobRef names the work of a bound call that outlasted the call: the call
// answered with a Pending error carrying this name (see backend/jobs).
type JobRef struct {
	JobID string `json:"jobId"`
	argErr
}

func (r *JobRef) UnmarshalJSON(b []byte) error {
	type plain JobRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// AwaitJob waits at most CallBound for a job and returns its outcome: the
// result or error its call would have returned. Still running, it answers
// Pending again and the caller asks again. An outcome is given once.
func (a *App) AwaitJob(req JobRef) (any, error) {
	if bad := req.argError(); bad != nil {
		return nil, bad
	}
	return a.jobs.Await(req.JobID, answerWithin)
}

// CancelJob stops a job (a page read, a count, a commit — a commit not yet
// committed rolls back); false when it had ended.
func (a *App) CancelJob(req JobRef) (bool, error) {
	if bad := req.argError(); bad != nil {
		return false, bad
	}
	return a.jobs.Cancel(req.JobID), nil
}
