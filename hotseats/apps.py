from django.apps import AppConfig


class HotseatsConfig(AppConfig):
    name = "hotseats"
    verbose_name = "Hot seats"
