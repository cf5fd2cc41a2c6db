"""The admin site's own texts: it is the court office's desk, in the user's language."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Сот кабинеті — court office")
admin.site.site_title = _("Сот кабинеті — court office")
admin.site.index_title = _("The court office's desk")
