"""Views: everything that turns computed numbers into something to read. No math here."""
