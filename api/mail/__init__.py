"""E-mails to participants: what a message says (:mod:`api.mail.content`), how it reads in
Finnish, Swedish and English (Jinja2 templates in ``templates/<lang>/``), how it becomes one
multipart message with an optional calendar attachment (:func:`api.mail.render.render_message`),
and how it is handed to an SMTP server (:mod:`api.mail.smtp`, paced by :mod:`api.mail.pacing`).

Rendering is pure (content in, :class:`email.message.EmailMessage` out) and knows nothing of
the database; :mod:`api.workflows.mailing` gathers the content, records every message in the
outbox and sends.
"""
