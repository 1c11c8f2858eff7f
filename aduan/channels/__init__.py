"""Every channel into one queue: the app API, Open311, SMS, WhatsApp, Telegram, e-mail, staff entry.

Entry points (all mounted at the site root by ``aduan.channels.urls``):

- ``/api/v1/`` mobile-app REST API (django-ninja), OpenAPI at ``/api/v1/openapi.json``,
  interactive docs at ``/api/v1/docs``.
- ``/open311/v2/`` GeoReport v2 (``discovery``, ``services``, ``services/<code>``,
  ``requests`` GET/POST, ``requests/<id>`` and the alias ``request/<id>``, ``tokens/<id>``),
  each as ``.json`` or ``.xml``.
- ``/webhooks/sms/smssync/``, ``/webhooks/sms/<gateway>/`` (HMAC ``X-Aduan-Signature``),
  ``/webhooks/whatsapp/``, ``/webhooks/telegram/``, ``/webhooks/email/``.
- ``aduan sms gammu-receive`` (Gammu ``RunOnReceive``), ``aduan sms gammu-poll --dsn``,
  ``aduan email poll``; the worker also polls Gammu and IMAP when they are configured.
- ``/kantor/kanal/baru/`` (walk-in, phone, letter) and ``/kantor/kanal/medsos/`` (social media).

Every inbound message is stored once in ``InboundMessageLog`` and handled by
``intake.receive``; replies and notifications leave through the outbox and the
senders in ``senders``. Credentials are read by ``conf.get``.
"""
