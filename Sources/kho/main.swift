import KhoCLI

Kho.main()
