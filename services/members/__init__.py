"""Members: accounts, passwords, lookups, the inbox and the admin's member list.

``accounts`` registers members and changes their password, phone, email and protection;
``passwords`` is the password policy; ``notices`` the security notice after a change;
``lookup`` finds a member by what an admin or the CLI typed; ``inbox`` is a member's
in-site messages; ``admin`` serves Site → Members.
"""
