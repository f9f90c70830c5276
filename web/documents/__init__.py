"""Documents a customer downloads: invoice and forecast images (PDF), e-invoices (XML)."""
