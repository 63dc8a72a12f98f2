"""Who is asking and what they may do: viewers, permissions, accounts, passwords, sign-in,
sessions, and the audit log every write appends to."""
