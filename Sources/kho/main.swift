print("kho")
