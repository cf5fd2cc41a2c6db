from . import admin_duty  # noqa: F401  (state duty: tariff, MCI, payments, deferrals)
