"""Work off the request path (issue 10): what runs after Slack's ack, and where.

    requests.py  a Slack request as a job (the listener's Origin + text/value, JSON) and the one
                 RosterService method that serves it; the Surfaces the listeners call
    submit.py    the queue at the listener boundary: JobSubmitter decides what is answered in
                 the ack path and queues the rest; open_jobs picks where jobs run
    local.py     the Jobs port; LocalJobs runs them in the bot's own threads (SQLite, one box)
    queue.py     jobs on the store's PostgreSQL with procrastinate; `rosterbot worker`
    runner.py    one job: time limit, failure notes, attempts
    journal.py   a job run again posts nothing twice and finds its dialogs as they were
"""
