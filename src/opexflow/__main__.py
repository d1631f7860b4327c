from opexflow.cli import main

main()
