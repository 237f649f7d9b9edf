#!/usr/bin/env python3
"""Writes a realistic French Excel CSV of leads for the import bench (docs/performance.md, "Lead import").

Usage: scripts/generate-leads-csv.py ROWS FILE
Windows-1252, ';', CRLF, header in French. About 2% of rows repeat an earlier person (email in other case, or the same
phone written nationally), 1% have only a phone, 0.5% are bad (no contact, or an email that is not one), 0.1% hold a
quoted multi-line job title; the rest are distinct people with accented names, companies and postal codes.
"""
import random
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
first = ["Élodie", "Jean-Pierre", "Camille", "Inès", "Léa", "Hugo", "Noé", "Chloé", "Mathéo", "Zoé", "François", "Anaïs", "Jérôme", "Hélène", "Loïc"]
last = ["LEFÈVRE", "de la Fontaine", "Dubois", "MARTIN", "Bernard", "Petit", "GARNIER", "Moreau", "Faure", "d'Artagnan", "Müller", "O'Neil"]
companies = ["Soleil SARL", "Œuvre & Co", "Énergies Nouvelles SAS", "", "", "Chauffage Dupré", "Watt Éco", "Borne+ EURL"]
titles = ["Gérant", "Directeur commercial", "Responsable achats", "", "Propriétaire", "Chef de projet"]

def phone(i):
    return f"06 {10 + i // 1000000 % 90:02d} {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"

with open(path, "w", encoding="cp1252", newline="") as out:
    out.write("Prénom;Nom;E-mail;Téléphone;Société;Fonction;Code postal\r\n")
    for i in range(rows):
        r = rng.random()
        f, l, c, t = rng.choice(first), rng.choice(last), rng.choice(companies), rng.choice(titles)
        cp = f"{rng.randint(1000, 95999):05d}"
        if r < 0.02 and i > 100:
            j = rng.randint(0, i - 1)
            line = [f, l, f"Person.{j}@Exemple-Import.FR", "", c, t, cp] if rng.random() < 0.5 else [f, l, "", phone(j).replace(" ", ".", 2), c, t, cp]
        elif r < 0.03:
            line = [f, l, "", phone(i), c, t, cp]
        elif r < 0.0325:
            line = [f, l, "", "", c, t, cp]
        elif r < 0.035:
            line = [f, l, f"pas-un-email-{i}", "", c, t, cp]
        else:
            line = [f, l, f"person.{i}@exemple-import.fr", phone(i), c, t, cp]
        if rng.random() < 0.001:
            line[5] = '"Directeur\r\ncommercial; export"'
        out.write(";".join(line) + "\r\n")
